from django.shortcuts import render
from django.urls import path


def page(request):
    return render(request, "page.html", {"title": "Meeting Needs Together"})


urlpatterns = [path("", page)]
