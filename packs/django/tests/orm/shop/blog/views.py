"""Blog views: whole rows loaded for a few fields (query.over_fetching)."""
from django.http import JsonResponse

from .models import Article, Badge


def article_index(request):
    # ppa: query.over_fetching MEDIUM           17 columns incl. body/metadata, two used
    articles = Article.objects.filter(published=True).order_by("-published_at")
    links = [{"slug": a.slug, "title": a.title} for a in articles]
    # ppa-ok: query.over_fetching               narrowed with only()
    narrow = [a.title for a in Article.objects.only("title").filter(published=True)]
    # ppa-ok: query.over_fetching               values_list rows
    slugs = [s for s in Article.objects.values_list("slug", flat=True)]
    # ppa-ok: query.over_fetching               a narrow model
    badges = [b.name for b in Badge.objects.all()]
    return JsonResponse({"links": links, "narrow": narrow, "slugs": slugs, "badges": badges})


def article_feed(request):
    items = []
    # ppa: query.over_fetching LOW              the rows are passed on: fields unknown, large columns loaded
    for a in Article.objects.filter(published=True):
        items.append(render_item(a))
    return JsonResponse({"items": items})


def render_item(a):
    return {"title": a.title, "url": a.get_absolute_url()}


def stats():
    # ppa: query.over_fetching LOW              not on the request path
    return sum(a.views for a in Article.objects.all())
