"""Orders, products and tags (F5 fixture: relations across files, related names, M2M)."""
from django.db import models
from django.db.models import JSONField

from shop.crm.models import Customer, TimeStamped


class Tag(models.Model):
    label = models.SlugField(primary_key=True)


class Product(TimeStamped):
    sku = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    attributes = JSONField(default=dict)
    tags = models.ManyToManyField(Tag, related_name="products", blank=True)


class Order(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, default="new")
    paid = models.BooleanField(default=False)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    coupon = models.ForeignKey("Coupon", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "orders"
        constraints = [models.UniqueConstraint(fields=["customer", "status"], name="one_open")]


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(default=1)


class Coupon(models.Model):
    code = models.CharField(max_length=20, db_index=True)


class OpenOrder(Order):
    """Proxy model: the same table."""

    class Meta:
        proxy = True
