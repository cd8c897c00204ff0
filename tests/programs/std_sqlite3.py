import sqlite3

db = sqlite3.connect(":memory:")
db.row_factory = sqlite3.Row
db.executescript("""
create table dept (id integer primary key, name text unique not null);
create table emp (id integer primary key, name text, dept_id integer references dept(id), salary real);
insert into dept (name) values ('eng'), ('ops'), ('sales');
""")
rows = [("ann", 1, 120.5), ("bob", 1, 99.0), ("cy", 2, 80.0), ("di", 3, 70.25), ("ed", 2, 85.0)]
db.executemany("insert into emp (name, dept_id, salary) values (?, ?, ?)", rows)
db.commit()
for r in db.execute("""select d.name as dept, count(*) as n, round(avg(e.salary), 2) as avg_pay, max(e.salary) as top
                       from emp e join dept d on d.id = e.dept_id group by d.name order by d.name"""):
    print(dict(r))
print(db.execute("select name from emp where salary > :min order by salary desc", {"min": 84}).fetchall()[0]["name"])
try:
    with db:
        db.execute("insert into emp (name, dept_id, salary) values ('zed', 1, 1.0)")
        db.execute("insert into dept (name) values ('eng')")
except sqlite3.IntegrityError as e:
    print("IntegrityError:", e)
print(db.execute("select count(*) from emp").fetchone()[0])
with db:
    db.execute("update emp set salary = salary * 1.1 where dept_id = 2")
print([tuple(r) for r in db.execute("select name, round(salary, 2) from emp where dept_id = 2 order by name")])
db.create_function("shout", 1, lambda s: s.upper() + "!")
print([r[0] for r in db.execute("select shout(name) from emp order by id")])
print(db.execute("select sqlite_version() is not null, typeof(1.5), typeof('x'), 7 / 2, 7 / 2.0").fetchone()[:])
cur = db.execute("select * from emp")
print([d[0] for d in cur.description], len(cur.fetchall()))
