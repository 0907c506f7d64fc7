from django.http import JsonResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Category, Product


class ProductList(APIView):
    def get(self, request):
        data = []
        for p in Product.objects.filter(stock__gt=0).order_by("title")[:50]:
            data.append({
                "sku": p.sku,
                "category": p.category.name,
                "tags": [t.label for t in p.tags.all()],
            })
        return Response(data)


class ProductDetail(APIView):
    def get(self, request, pk):
        product = Product.objects.select_related("category").get(pk=pk)
        return Response({"sku": product.sku, "category": product.category.name})


def category_index(request):
    # Safe: joined and prefetched up front.
    categories = Category.objects.select_related("parent").prefetch_related("products")
    return JsonResponse({
        "categories": [
            {"name": c.name, "parent": c.parent.name if c.parent_id else None, "products": [p.sku for p in c.products.all()]}
            for c in categories
        ]
    })
