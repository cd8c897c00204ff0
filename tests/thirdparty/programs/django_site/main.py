# A Django site (settings, one app with models, migrations, views, url
# patterns and templates in its directory) driven through Django's test
# client: compiled with the environment active and no flag, it runs with no
# directory mapped (templates and migrations come from the image).
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

import django
from django.core.management import call_command

django.setup()
call_command("migrate", verbosity=0)

from django.test import Client
from polls.models import Choice, Question

q = Question.objects.create(question_text="What's new?")
Choice.objects.create(question=q, choice_text="Not much", votes=3)
Choice.objects.create(question=q, choice_text="The sky", votes=5)
client = Client()
for url in ["/polls/", f"/polls/{q.id}/", "/polls/999/", "/nowhere/"]:
    r = client.get(url)
    print(url, r.status_code, r.content.decode().strip()[:300])
print(Question.objects.count(), [c.choice_text for c in q.choice_set.order_by("-votes")])
