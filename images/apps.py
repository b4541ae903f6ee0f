from django.apps import AppConfig


class ImagesConfig(AppConfig):
    """Pictures: upload checks and cleaning, renditions, and serving them safely."""

    name = "images"
    verbose_name = "Images"
