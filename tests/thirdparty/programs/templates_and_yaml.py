# Jinja2 over MarkupSafe (whose C speedups are left out: its pure-Python
# fallback runs), and PyYAML (its libyaml extension left out: the pure
# parser and emitter run).
import jinja2
import markupsafe
import yaml

env = jinja2.Environment(autoescape=True, loader=jinja2.DictLoader({
    "base.html": "<h1>{% block title %}{% endblock %}</h1>{% block body %}{% endblock %}",
    "page.html": "{% extends 'base.html' %}{% block title %}{{ title }}{% endblock %}"
                 "{% block body %}<ul>{% for i in items %}<li>{{ i|upper }}</li>{% endfor %}</ul>{% endblock %}",
}))
print(env.get_template("page.html").render(title="<Tom & Jerry>", items=["a", "<b>"]))
print(markupsafe.escape("<script>"), markupsafe.Markup("<b>%s</b>") % "<i>")
try:
    env.from_string("{% for %}")
except jinja2.TemplateSyntaxError as e:
    print("syntax error:", e.lineno, e.message)
doc = yaml.safe_load("""
name: demo
items: [1, 2.5, true, null, "x"]
nested: {a: {b: [c, d]}}
when: 2024-01-02
""")
print(doc)
print(yaml.safe_dump(doc, sort_keys=True), end="")
try:
    yaml.safe_load("a: [1, 2")
except yaml.YAMLError as e:
    print("yaml error:", type(e).__name__)
