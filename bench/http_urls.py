from django.http import HttpResponse
from django.urls import path

from aicrash_site.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site_urlpatterns]
