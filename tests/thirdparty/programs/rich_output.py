# Rich (over Pygments and markdown-it-py): a table, a panel, a tree,
# Markdown, highlighted code and a traceback, rendered into a recording
# console and printed as plain text and with ANSI styles.
import io

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.pretty import Pretty
from rich.syntax import Syntax
from rich.table import Table
from rich.tree import Tree

console = Console(file=io.StringIO(), width=60, record=True, force_terminal=True, color_system="truecolor")
table = Table(title="Planets")
table.add_column("Name", style="cyan")
table.add_column("Moons", justify="right")
for name, moons in [("Mercury", 0), ("Earth", 1), ("Jupiter", 95)]:
    table.add_row(name, str(moons))
console.print(table)
console.print(Panel("[bold red]Hello[/] [i]world[/]", title="greeting"))
tree = Tree("root")
tree.add("a").add("a1")
tree.add("[green]b")
console.print(tree)
console.print(Markdown("# Title\n\n* one\n* **two**\n\n```python\nprint(1)\n```\n"))
console.print(Syntax("def f(x):\n    return x * 2\n", "python", line_numbers=True))
console.print(Pretty({"a": [1, 2, {"b": None}], "c": (True, 1.5)}))
try:
    {}["missing"]
except KeyError:
    console.print_exception(max_frames=2)
# (the traceback's frames name this file, whose path differs by design:
# its box's inner lines are left out)
before, _, after = console.export_text().partition("Traceback (most recent call last)")
print("\n".join(line.rstrip() for line in before.splitlines()))
print("\n".join(line.rstrip() for line in after.splitlines() if not line.startswith("│")))
ansi = Console(file=io.StringIO(), width=40, force_terminal=True, color_system="256")
ansi.print("[bold magenta]styled[/] text", style="underline")
print(repr(ansi.file.getvalue()))
