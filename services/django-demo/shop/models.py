"""A small bookshop: enough foreign keys and many-to-many relations to show every ORM pattern."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    bio = models.TextField(blank=True)
    country = models.CharField(max_length=2)

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    isbn = models.CharField(max_length=13, unique=True)
    price = models.DecimalField(max_digits=7, decimal_places=2)
    pages = models.PositiveIntegerField()
    published = models.DateField()
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="books")
    tags = models.ManyToManyField(Tag, related_name="books")

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.CharField(max_length=80)
    rating = models.PositiveSmallIntegerField()
    body = models.TextField()
    created = models.DateTimeField()


class Order(models.Model):
    customer_email = models.EmailField()
    created = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=40, blank=True)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(max_digits=7, decimal_places=2)
