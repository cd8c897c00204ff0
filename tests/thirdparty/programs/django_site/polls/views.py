from django.shortcuts import get_object_or_404, render

from .models import Question


def index(request):
    return render(request, "polls/index.html", {"questions": Question.objects.order_by("id")})


def detail(request, question_id):
    question = get_object_or_404(Question, pk=question_id)
    return render(request, "polls/detail.html", {"question": question})
