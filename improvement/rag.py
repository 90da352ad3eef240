"""The built-in RAG scheme presets, created by a data migration and kept here as data."""

PRESETS = [
    {
        "slug": "five-state",
        "name": "Five-state RAG (Grey, Blue, Green, Amber, Red)",
        "description": "The scheme in the Walsall Strategic Improvement Plan 2012: the default.",
        "statuses": [
            # code, label, colour, meaning, severity, complete, not started, board attention
            ("B", "Blue", "blue", "Completed", 0, True, False, False),
            ("G", "Green", "green", "Work progressing as expected", 1, False, False, False),
            ("A", "Amber", "amber",
             "Work is not on track but plans are in place to ensure progress by identified "
             "timescale", 2, False, False, False),
            ("R", "Red", "red",
             "Work is not progressing as expected and needs attention of the Improvement Board",
             3, False, False, True),
            ("Gr", "Grey", "grey", "Not yet started as not yet due to start", 1, False, True,
             False),
        ],
    },
    {
        "slug": "three-state",
        "name": "Three-state RAG (Red, Amber, Green)",
        "description": "Classic red, amber and green.",
        "statuses": [
            ("G", "Green", "green", "On track", 0, False, False, False),
            ("A", "Amber", "amber", "Some risk to delivery; plans in place", 1, False, False,
             False),
            ("R", "Red", "red", "Off track and needs the Board's attention", 2, False, False,
             True),
        ],
    },
    {
        "slug": "achieved",
        "name": "Achieved / On target / Not on target",
        "description": "The three judgements of the Salford improvement plan template.",
        "statuses": [
            ("ACH", "Achieved", "blue", "Achieved", 0, True, False, False),
            ("OT", "On target", "green", "On target to achieve", 1, False, False, False),
            ("NOT", "Not on target", "red", "Not on target to achieve", 2, False, False, True),
        ],
    },
]

DEFAULT_SLUG = "five-state"


def create_presets(RagScheme, RagStatus):
    """Create the presets that are missing; leave existing schemes alone."""
    for preset in PRESETS:
        scheme, created = RagScheme.objects.get_or_create(
            slug=preset["slug"],
            defaults={"name": preset["name"], "description": preset["description"]},
        )
        if not created:
            continue
        for position, row in enumerate(preset["statuses"], start=1):
            code, label, colour, meaning, severity, complete, not_started, attention = row
            RagStatus.objects.create(
                scheme=scheme, code=code, label=label, colour=colour, meaning=meaning,
                position=position, severity=severity, is_complete=complete,
                is_not_started=not_started, needs_board_attention=attention,
            )
