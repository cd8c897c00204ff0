import errno
import os
import pathlib
import shutil

with open("notes.txt", "w", encoding="utf-8") as f:
    f.write("line 1\nline 2 — é\n")
with open("notes.txt", "a", encoding="utf-8") as f:
    print("line 3", file=f)
with open("notes.txt", encoding="utf-8") as f:
    print(f.readlines())
with open("data.bin", "wb") as f:
    f.write(bytes(range(256)))
with open("data.bin", "rb") as f:
    f.seek(250)
    print(f.read(), f.tell())
os.makedirs("sub/deeper", exist_ok=True)
pathlib.Path("sub/a.txt").write_text("alpha")
pathlib.Path("sub/deeper/b.txt").write_text("beta")
shutil.copy("sub/a.txt", "sub/copy.txt")
print(sorted(os.listdir("sub")), os.path.isdir("sub/deeper"), os.path.getsize("notes.txt"))
print(sorted(str(p) for p in pathlib.Path("sub").rglob("*.txt")))
print(os.path.join("a", "b", "c.txt"), os.path.splitext("archive.tar.gz"), os.path.basename("/x/y/z.py"))
p = pathlib.Path("sub") / "deeper" / "b.txt"
print(p.name, p.suffix, p.stem, p.parent.name, p.read_text(), p.exists(), pathlib.Path("nope").exists())
os.rename("sub/copy.txt", "sub/moved.txt")
os.remove("sub/a.txt")
shutil.rmtree("sub/deeper")
print(sorted(os.listdir("sub")))
try:
    open("does/not/exist.txt")
except FileNotFoundError as e:
    # errno numbers are the platform's (WASI's ENOENT is 44): compare by name
    print("FileNotFoundError:", e.errno == errno.ENOENT, errno.errorcode[e.errno], e.filename)
