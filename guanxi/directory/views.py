from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {})


def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/directory.html", {})
