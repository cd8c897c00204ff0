# A click command-line interface (a group, options with types and
# defaults, arguments, a prompt answered by input, --help, a usage error),
# run through click's CliRunner and directly with standalone_mode off.
import click
from click.testing import CliRunner


@click.group()
@click.option("--verbose", "-v", count=True, help="Say more.")
@click.pass_context
def cli(ctx, verbose):
    """A small tool."""
    ctx.obj = {"verbose": verbose}


@cli.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--greeting", default="Hello", show_default=True)
@click.option("--times", type=click.IntRange(1, 5), default=1)
@click.pass_obj
def greet(obj, names, greeting, times):
    """Greet NAMES."""
    for _ in range(times):
        for n in names:
            click.echo(f"{greeting}, {n}!" + (" (verbose)" if obj["verbose"] else ""))


@cli.command()
@click.option("--name", prompt="Your name")
@click.option("--color", type=click.Choice(["red", "green"]), default="red")
def ask(name, color):
    click.echo(click.style(f"{name} likes {color}", fg=color))


runner = CliRunner()
for args, stdin in [
    (["greet", "ada", "bob"], None),
    (["-vv", "greet", "--times", "2", "--greeting", "Hi", "eve"], None),
    (["greet", "--times", "9", "x"], None),
    (["greet"], None),
    (["ask"], "Zoe\n"),
    (["ask", "--name", "Al", "--color", "green"], None),
    (["ask", "--color", "blue", "--name", "x"], None),
    (["--help"], None),
    (["greet", "--help"], None),
    (["nope"], None),
]:
    r = runner.invoke(cli, args, input=stdin, color=True)
    print(args, r.exit_code, repr(r.output))
try:
    cli.main(["greet", "--times", "0", "x"], standalone_mode=False)
except click.UsageError as e:
    print("usage error:", e.format_message())
