# Zone data from the tzdata package (zoneinfo imports its zone packages by
# name and reads them with importlib.resources: no system zone files in
# WASI) and certifi's CA bundle, read where certifi.where() says.
import datetime
import os
import zoneinfo

import certifi

for key in ["America/New_York", "Europe/Paris", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]:
    z = zoneinfo.ZoneInfo(key)
    for when in [datetime.datetime(2024, 1, 15, 12), datetime.datetime(2024, 7, 15, 12)]:
        d = when.replace(tzinfo=datetime.timezone.utc).astimezone(z)
        print(key, d.isoformat(), d.tzname(), d.dst())
print(len(zoneinfo.available_timezones()) > 400, "Europe/Berlin" in zoneinfo.available_timezones())
try:
    zoneinfo.ZoneInfo("Mars/Olympus")
except zoneinfo.ZoneInfoNotFoundError as e:
    print("not found:", e)
path = certifi.where()
print(os.path.basename(path), os.path.exists(path))
with open(path, encoding="ascii") as f:
    pem = f.read()
print(pem.count("BEGIN CERTIFICATE") > 100, pem.startswith("\n# Issuer") or pem.startswith("#"))
print(len(certifi.contents()) == len(pem))
