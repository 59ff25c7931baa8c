from django.apps import AppConfig


class StockRefConfig(AppConfig):
    name = "bench.stock.stockref"
    label = "stockref"
    default_auto_field = "django.db.models.BigAutoField"
