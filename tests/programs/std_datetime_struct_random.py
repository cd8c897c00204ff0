import datetime as dt
import random
import struct

d = dt.date(2024, 2, 28)
print(d + dt.timedelta(days=2), d.weekday(), d.isocalendar(), d.strftime("%A %d %B %Y"), d.toordinal())
t = dt.datetime(2023, 12, 31, 23, 59, 30, tzinfo=dt.timezone.utc)
print(t.isoformat(), (t + dt.timedelta(seconds=45)).isoformat(), t.timestamp(), t.strftime("%j %H:%M:%S %Z"))
delta = dt.datetime(2024, 3, 1) - dt.datetime(2023, 3, 1)
print(delta, delta.days, delta.total_seconds(), dt.timedelta(hours=25, minutes=70) // dt.timedelta(hours=1))
print(dt.datetime.fromisoformat("2024-05-06T07:08:09+02:00").astimezone(dt.timezone.utc))
print(dt.datetime.strptime("03/04/2021 10:11", "%d/%m/%Y %H:%M"), dt.date.fromisoformat("2020-01-31").replace(day=1))
print(dt.time(13, 5).strftime("%I:%M %p"), dt.timezone(dt.timedelta(hours=-5)), max(dt.date(2020, 1, 1), d))
packed = struct.pack("<HiQ3sf?", 513, -7, 2**40, b"abc", 1.5, True)
print(packed.hex(), struct.calcsize("<HiQ3sf?"), struct.unpack("<HiQ3sf?", packed))
print(struct.pack(">I", 1), struct.unpack_from("<h", b"\x00\xff\xff", 1), list(struct.iter_unpack("<B", b"\x01\x02")))
random.seed(12345)
print(random.random(), random.randint(1, 100), random.choice("abcdef"), random.sample(range(100), 5))
items = list(range(10))
random.shuffle(items)
print(items, random.uniform(1, 2), random.gauss(0, 1), random.choices("xyz", weights=[5, 1, 1], k=6))
r = random.Random("seed string")
print(r.randrange(0, 1000, 7), r.getrandbits(32), round(r.expovariate(1.5), 6))
