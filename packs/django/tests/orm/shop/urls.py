from django.urls import path

from shop.blog import views as blog_views
from shop.orders import async_checkout, async_views, views

urlpatterns = [
    path("orders/", views.order_list),
    path("orders/<int:pk>/", views.OrderDetail.as_view()),
    path("orders/bulk/", views.bulk_status),
    path("orders/report/", views.order_report),
    path("orders/open/", views.open_report),
    path("orders/<int:pk>/lines/", views.order_lines),
    path("products/<slug:sku>/tags/", views.product_tags),
    path("blog/", blog_views.article_index),
    path("customers/", views.customer_names),
    path("blog/feed/", blog_views.article_feed),
    path("async/orders/", async_views.async_orders),
    path("async/checkout/", async_checkout.checkout),
]
