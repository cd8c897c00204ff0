"""A small WSGI app for `py2wasm serve` (bench/serve_bench.py): renders a
page from a template file embedded with the program (--include-data)."""
import html
import os
import string
from wsgiref.handlers import CGIHandler

HERE = os.path.dirname(os.path.abspath(__file__))


def app(environ, start_response):
    with open(os.path.join(HERE, "page.html"), encoding="utf-8") as f:
        page = string.Template(f.read())
    items = "".join("<li>%d squared is %d</li>" % (i, i * i) for i in range(20))
    body = page.substitute(
        title="py2wasm", path=html.escape(environ.get("PATH_INFO", "/")), items=items
    ).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body]


if __name__ == "__main__":
    CGIHandler().run(app)
