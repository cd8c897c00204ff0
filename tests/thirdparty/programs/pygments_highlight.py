# Pygments: lexers, formatters and styles are found by name at run time.
from pygments import highlight
from pygments.formatters import get_formatter_by_name
from pygments.lexers import get_lexer_by_name, guess_lexer_for_filename
from pygments.styles import get_style_by_name

code = "def f(x):\n    return x * 2  # double\n"
print(highlight(code, get_lexer_by_name("python"), get_formatter_by_name("html", nowrap=True)), end="")
print(highlight("SELECT 1;", get_lexer_by_name("sql"), get_formatter_by_name("terminal")).encode())
print(guess_lexer_for_filename("x.json", '{"a": 1}').name, get_style_by_name("monokai").background_color)
