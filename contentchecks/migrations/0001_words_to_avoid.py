"""The words-to-avoid list, started with GOV.UK's style guide's "words to avoid" and
what to write instead (in our words); editors extend it in the admin. Editors add and
change words; publishers also remove them (strategy_site/roles.py)."""

import django.db.models.functions.text
from django.db import migrations, models

from publishing.roles import grant

# (word or phrase, other forms to find, what to write instead)
WORDS_TO_AVOID = [
    ("advancing", "", "Say what you are actually doing."),
    ("agenda", "agendas", "Only for a meeting's agenda. Otherwise say “plan” or “aims”."),
    ("collaborate", "collaborates\ncollaborated\ncollaborating", "Say “work with”."),
    ("combat", "combats\ncombating\ncombatting", "Unless it is military, say “stop” or “reduce”."),
    ("commit", "commits\ncommitted\ncommitting", "Be specific: say what you will do, and when."),
    ("countering", "countered", "Say “stop”, “prevent” or “reduce”."),
    (
        "deliver",
        "delivers\ndelivered\ndelivering",
        "Post and services are delivered; ideas and priorities are not. Say “make”, "
        "“give” or “do”, or what is actually happening.",
    ),
    (
        "deploy",
        "deploys\ndeployed\ndeploying",
        "Unless it is military or software, say “use” or “put in place”.",
    ),
    ("dialogue", "dialogues", "Say “talk to” or “speak with”."),
    ("disincentivise", "disincentivises\ndisincentivised\ndisincentivising", "Say “discourage”."),
    (
        "drive",
        "drives\ndriving\ndrove\ndriven",
        "Only vehicles are driven: say “lead” or “push for”.",
    ),
    ("empower", "empowers\nempowered\nempowering", "Say how you help people do something."),
    (
        "facilitate",
        "facilitates\nfacilitated\nfacilitating",
        "Say what you do to help, e.g. “run” or “arrange”.",
    ),
    (
        "focus",
        "focuses\nfocused\nfocusing\nfocussed\nfocussing",
        "Say “work on” or “concentrate on”, or leave it out.",
    ),
    (
        "foster",
        "fosters\nfostered",
        "Unless it is about fostering children, say “encourage” or “help”.",
    ),
    ("going forward", "", "Say “from now on” or “in future”, or leave it out."),
    ("impacting", "impacted\nimpacts on", "As a verb: say “affect” or “change”."),
    ("in order to", "", "Say “to”."),
    ("incentivise", "incentivises\nincentivised\nincentivising", "Say “encourage”."),
    ("initiate", "initiates\ninitiated\ninitiating", "Say “start” or “begin”."),
    ("key", "", "Unless it unlocks something, say “important” or “main”, or leave it out."),
    (
        "landed",
        "lands\nlanding",
        "As a verb, only aircraft land: say “agreed”, “finished” or what happened.",
    ),
    ("leverage", "leverages\nleveraged\nleveraging", "Say “use”."),
    ("liaise", "liaises\nliaised\nliaising", "Say “work with” or “talk to”."),
    ("one-stop shop", "one stop shop", "Say what it is: a website, a phone line, a place to go."),
    ("overarching", "", "Say “main” or “general”, or leave it out."),
    ("pledge", "pledges\npledged\npledging", "Be specific: say what you will do, and when."),
    ("progressing", "progressed\nprogresses", "As a verb: say what you are actually doing."),
    (
        "promote",
        "promotes\npromoted\npromoting",
        "Unless it is advertising, say “encourage” or “support”.",
    ),
    (
        "ring fencing",
        "ring-fencing\nring-fenced\nring fenced",
        "Say “keeping money for” or “protecting”.",
    ),
    ("robust", "", "Say what makes it good: “thorough”, “reliable”, “strong”."),
    ("slimming down", "slim down", "Say “reduce”, “cut” or “simplify”."),
    ("streamline", "streamlines\nstreamlined\nstreamlining", "Say “simplify” or “speed up”."),
    (
        "strengthening",
        "strengthen\nstrengthens\nstrengthened",
        "Unless it is a building, say “improve”.",
    ),
    (
        "tackling",
        "tackle\ntackles\ntackled",
        "Unless it is sport, say “stop”, “reduce” or “deal with”.",
    ),
    ("transforming", "transform\ntransforms\ntransformed", "Say what you are actually changing."),
    ("utilise", "utilises\nutilised\nutilising\nutilize\nutilized", "Say “use”."),
]


ROLES = {"contentchecks.avoidword": ("add change view", "add change delete view")}


def add_words(apps, schema_editor):
    AvoidWord = apps.get_model("contentchecks", "AvoidWord")
    AvoidWord.objects.using(schema_editor.connection.alias).bulk_create(
        AvoidWord(phrase=phrase, other_forms=forms, advice=advice)
        for phrase, forms, advice in WORDS_TO_AVOID
    )


def remove_words(apps, schema_editor):
    AvoidWord = apps.get_model("contentchecks", "AvoidWord")
    phrases = [phrase for phrase, _, _ in WORDS_TO_AVOID]
    AvoidWord.objects.using(schema_editor.connection.alias).filter(phrase__in=phrases).delete()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name='AvoidWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phrase', models.CharField(help_text='As it is written, e.g. “going forward”. Found whatever its capitals.', max_length=60, verbose_name='word or phrase')),
                ('other_forms', models.TextField(blank=True, help_text='Other ways it is written, one on each line, e.g. “delivers”, “delivered”, “delivering”. Only whole words are found.', verbose_name='other forms to find')),
                ('advice', models.CharField(help_text='Shown to the writer, e.g. “Say what you will actually do.”', max_length=300, verbose_name='what to write instead')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'word to avoid',
                'verbose_name_plural': 'words to avoid',
                'ordering': [django.db.models.functions.text.Lower('phrase')],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('phrase'), name='avoid_word_unique', violation_error_message='This word is already on the list.')],
            },
        ),
        migrations.RunPython(add_words, remove_words),
        grant(ROLES),
    ]
