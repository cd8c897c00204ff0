# python-dateutil (parser, relativedelta, rrule; six underneath) and idna.
import datetime

import idna
from dateutil import parser, relativedelta, rrule

d = parser.parse("2024-02-29T13:45:00")
print(d, d + relativedelta.relativedelta(years=1), d + relativedelta.relativedelta(months=+1, weekday=relativedelta.FR(-1)))
print(parser.parse("March 3rd, 2021 5pm"), parser.isoparse("2021-06-01T08:00:00+02:00"))
rule = rrule.rrule(rrule.WEEKLY, count=4, byweekday=(rrule.MO, rrule.TH), dtstart=datetime.datetime(2024, 1, 1))
print([x.date().isoformat() for x in rule])
try:
    parser.parse("not a date at all")
except (ValueError, OverflowError) as e:
    print("error:", type(e).__name__, e)
print(idna.encode("ドメイン.テスト"), idna.decode("xn--eckwd4c7c.xn--zckzah"))
try:
    idna.encode("a..b")
except idna.IDNAError as e:
    print("idna error:", e)
