from django.urls import path

from . import views

urlpatterns = [
    path("pay/<int:pk>/", views.pay),
    path("rate/<int:pk>/", views.rate),
    path("ping/", views.ping),
    path("late/<int:pk>/", views.late),
    path("webhook/<int:pk>/", views.webhook),
]
