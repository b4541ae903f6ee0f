import pytest
from django.core.management import call_command


@pytest.fixture
def real_content(db):
    """The real strategy, priorities, decision and press release from fixtures/."""
    call_command("load_content", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    """A signed-in comms officer who can edit everything in the admin."""
    user = django_user_model.objects.create_user(
        username="editor", password="a-long-test-password", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client
