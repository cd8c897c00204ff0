import argparse
import sys

print("argv:", sys.argv)
parser = argparse.ArgumentParser(prog="io_argv.py", description="argument test")
parser.add_argument("files", nargs="+")
parser.add_argument("-n", "--count", type=int, default=1)
parser.add_argument("--verbose", action="store_true")
args = parser.parse_args()
print(args.files, args.count, args.verbose)
print(parser.format_usage().strip())
try:
    parser.parse_args(["--count", "notanumber", "x"])
except SystemExit as e:
    print("argparse exit code", e.code)
