"""Deterministic, idempotent seed data of realistic size for the demo.

The same seed always yields the same rows (fixed RNG seed, fixed dates), so the views' query counts
and the end-to-end fixtures stay stable. Running it again on seeded data does nothing; --force rebuilds.
"""

import datetime as dt
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from shop.models import Author, Book, Category, Order, OrderLine, Review, Tag

AUTHORS = 40
BOOKS = 240
REVIEWS_PER_BOOK = (0, 6)  # inclusive range
RNG_SEED = 20260101

FIRST = ["Ada", "Boris", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas",
         "Kamala", "Luis", "Mei", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tomoko"]
LAST = ["Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova",
        "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Santos"]
COUNTRIES = ["DE", "FR", "IT", "JP", "NG", "PL", "PT", "SE", "US", "BR"]
CATEGORIES = ["Fiction", "Science", "History", "Travel", "Cooking", "Poetry", "Children", "Business"]
TAGS = ["classic", "bestseller", "award-winner", "debut", "translated", "illustrated", "series",
        "short-stories", "biography", "essays", "graphic", "hardcover", "paperback", "audiobook",
        "signed", "first-edition", "local-author", "staff-pick", "book-club", "new", "sale",
        "large-print", "ya", "reference"]
ADJ = ["Silent", "Hidden", "Broken", "Golden", "Last", "Distant", "Quiet", "Burning", "Frozen", "Secret",
       "Lost", "Wild", "Crimson", "Endless", "Little", "Northern"]
NOUN = ["River", "Garden", "Empire", "Harbor", "Letters", "Orchard", "Machine", "Winter", "Kingdom",
        "Atlas", "Lighthouse", "Recipe", "Voyage", "Archive", "Forest", "Question"]
REVIEWERS = ["reader42", "bookworm", "night_owl", "marta_k", "jpl", "quietcat", "tomasz", "lena.r"]


def expected_counts() -> dict:
    return {"authors": AUTHORS, "categories": len(CATEGORIES), "tags": len(TAGS), "books": BOOKS}


class Command(BaseCommand):
    help = "Create the demo's deterministic seed data (idempotent; --force rebuilds)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="delete all demo rows and seed again")

    def handle(self, *args, force: bool = False, **options):
        if not force and self._already_seeded():
            self.stdout.write("seed: data already present, nothing to do")
            return
        with transaction.atomic():
            self._wipe()
            counts = self._create()
        self.stdout.write("seed: created " + ", ".join(f"{v} {k}" for k, v in counts.items()))

    def _already_seeded(self) -> bool:
        want = expected_counts()
        have = {"authors": Author.objects.count(), "categories": Category.objects.count(),
                "tags": Tag.objects.count(), "books": Book.objects.count()}
        return have == want and Book.objects.filter(isbn=_isbn(BOOKS - 1)).exists()

    def _wipe(self) -> None:
        for model in (OrderLine, Order, Review, Book, Tag, Category, Author):
            model.objects.all().delete()

    def _create(self) -> dict:
        rng = random.Random(RNG_SEED)
        authors = Author.objects.bulk_create(
            Author(
                name=f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}",
                email=f"author{i:03d}@example.org",
                bio=f"Writes about {rng.choice(NOUN).lower()}s and {rng.choice(NOUN).lower()}s.",
                country=rng.choice(COUNTRIES),
            )
            for i in range(AUTHORS)
        )
        categories = Category.objects.bulk_create(Category(name=n, slug=n.lower()) for n in CATEGORIES)
        tags = Tag.objects.bulk_create(Tag(name=n) for n in TAGS)
        start = dt.date(1990, 1, 1)
        books = Book.objects.bulk_create(
            Book(
                title=f"The {rng.choice(ADJ)} {rng.choice(NOUN)}" + (f", Vol. {i % 5 + 1}" if i % 9 == 0 else ""),
                isbn=_isbn(i),
                price=Decimal(rng.randrange(499, 4999)) / 100,
                pages=rng.randrange(80, 900),
                published=start + dt.timedelta(days=rng.randrange(0, 12000)),
                author=authors[rng.randrange(AUTHORS)],
                category=categories[rng.randrange(len(categories))],
            )
            for i in range(BOOKS)
        )
        through = Book.tags.through
        links = []
        for book in books:
            for tag in rng.sample(tags, rng.randint(1, 4)):
                links.append(through(book_id=book.pk, tag_id=tag.pk))
        through.objects.bulk_create(links)
        base = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
        reviews = []
        for book in books:
            for _ in range(rng.randint(*REVIEWS_PER_BOOK)):
                reviews.append(Review(
                    book=book,
                    reviewer=rng.choice(REVIEWERS),
                    rating=rng.randint(1, 5),
                    body=f"{rng.choice(ADJ)} and {rng.choice(ADJ).lower()}; {rng.randint(1, 5)} stars from me.",
                    created=base + dt.timedelta(minutes=rng.randrange(0, 500000)),
                ))
        Review.objects.bulk_create(reviews, batch_size=500)
        return {"authors": len(authors), "categories": len(categories), "tags": len(tags),
                "books": len(books), "book-tag links": len(links), "reviews": len(reviews)}


def _isbn(i: int) -> str:
    return f"978{1000000000 + i * 7919:010d}"[:13]
