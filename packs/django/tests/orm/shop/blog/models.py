"""A wide model (query.over_fetching fixture)."""
from django.db import models


class Article(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    summary = models.TextField(blank=True)
    metadata = models.JSONField(default=dict)
    author_name = models.CharField(max_length=100)
    author_email = models.EmailField()
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True)
    views = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=8)
    canonical_url = models.URLField(blank=True)
    cover = models.ImageField(blank=True)
    reading_minutes = models.PositiveSmallIntegerField(default=1)

    def get_absolute_url(self):
        return f"/blog/{self.slug}/"


class Badge(models.Model):
    name = models.CharField(max_length=50)
    color = models.CharField(max_length=7)
