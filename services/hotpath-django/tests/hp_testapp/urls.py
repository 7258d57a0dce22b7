from django.urls import path

from . import views

urlpatterns = [
    path("plain/", views.plain),
    path("page/", views.page),
    path("jinja/", views.jinja_page),
    path("queries/", views.queries),
    path("cached/", views.cached),
    path("async/", views.async_view),
]
