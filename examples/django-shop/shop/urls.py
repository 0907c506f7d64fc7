from django.contrib import admin
from django.urls import path

from catalog import views as catalog_views
from orders import views as order_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("products/", catalog_views.ProductList.as_view()),
    path("products/<int:pk>/", catalog_views.ProductDetail.as_view()),
    path("categories/", catalog_views.category_index),
    path("orders/", order_views.order_history),
    path("orders/export/", order_views.order_export),
    path("orders/checkout/", order_views.checkout),
    path("orders/mark-shipped/", order_views.mark_shipped),
    path("orders/live/", order_views.live_totals),
]
