"""What the content checks read of news besides its Markdown: a press release's
standfirst is the first thing families read. Imported by NewsConfig.ready()."""

from contentchecks import registry

from .models import PressRelease

registry.register_text_fields(PressRelease, "standfirst")
