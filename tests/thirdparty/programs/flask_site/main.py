# A Flask app (a blueprint in the program's own package, a template from
# its templates directory, JSON in and out, sessions, error handlers)
# driven through Flask's test client, with no directory mapped.
from flask import Flask, abort, jsonify, redirect, render_template, request, session, url_for

from shop import shop

app = Flask(__name__)
app.secret_key = "not secret"
app.register_blueprint(shop, url_prefix="/shop")


@app.route("/")
def index():
    return render_template("index.html", title="Home", items=["<apples>", "pears"])


@app.route("/hello/<name>")
def hello(name):
    session["seen"] = session.get("seen", 0) + 1
    return f"hello {name}, visit {session['seen']}"


@app.post("/echo")
def echo():
    data = request.get_json()
    return jsonify(got=data, total=sum(data.get("numbers", [])))


@app.route("/old")
def old():
    return redirect(url_for("hello", name="moved"))


@app.route("/teapot")
def teapot():
    abort(418)


@app.route("/boom")
def boom():
    raise ValueError("kaboom")


@app.errorhandler(404)
def not_found(e):
    return {"error": "not found", "path": request.path}, 404


@app.errorhandler(ValueError)
def value_error(e):
    return f"handled: {e}", 500


client = app.test_client()
for method, url, kwargs in [
    ("get", "/", {}),
    ("get", "/hello/ada", {}),
    ("get", "/hello/ada", {}),
    ("post", "/echo", {"json": {"numbers": [1, 2, 3.5], "name": "x"}}),
    ("get", "/old", {}),
    ("get", "/teapot", {}),
    ("get", "/boom", {}),
    ("get", "/missing", {}),
    ("get", "/shop/items", {}),
    ("get", "/shop/items/2", {}),
    ("get", "/shop/items/9", {}),
]:
    r = getattr(client, method)(url, **kwargs)
    body = r.get_data(as_text=True).strip().replace("\n", " ")
    print(method.upper(), url, r.status_code, r.headers.get("Content-Type"), r.headers.get("Location"), body[:200])
with app.test_request_context("/shop/items/1?x=1"):
    print(url_for("shop.item", item_id=3, q="a b"), request.args.get("x"))

# Jinja2 on its own, with a package loader over the program's own package.
import jinja2

env = jinja2.Environment(loader=jinja2.PackageLoader("shop"), autoescape=True)
print(env.get_template("item.html").render(name="<pear>", price=1.005), env.list_templates())
