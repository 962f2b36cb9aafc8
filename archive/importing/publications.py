"""The archive's publications (organisations of kind publication), for naming an article's source.

A page names its source in many ways: "the Guardian" (og:site_name), guardian.co.uk (its
host), "Indy Politics" (a section: "Click to follow Indy Politics"), "BBC News". Each is looked
up among the publications' names, abbreviations and aliases: whole, without a leading "the",
as a host or a host's parent domain, or as the first words of a longer name.
"""

from __future__ import annotations

from collections.abc import Iterable

from archive.models import Organisation


def _key(name: str) -> str:
    folded = " ".join(name.split()).casefold().strip(" .:,;|-")
    folded = folded.removeprefix("the ")
    return folded.removeprefix("www.")


class Publications:
    """Finds the publication a source's name stands for. Build it once per run."""

    def __init__(self, organisations: Iterable[Organisation]) -> None:
        self._by_name: dict[str, Organisation] = {}
        for org in organisations:
            for name in (org.name, org.abbreviation, *org.alias_list):
                key = _key(name)
                if len(key) >= 2:
                    self._by_name.setdefault(key, org)

    @classmethod
    def from_archive(cls) -> Publications:
        return cls(
            Organisation.objects.filter(kind=Organisation.Kind.PUBLICATION).only(
                "name", "abbreviation", "aliases"
            )
        )

    def find(self, names: Iterable[str]) -> Organisation | None:
        """The publication the first recognisable name stands for, if any."""
        found = self.find_with_name(names)
        return found[0] if found else None

    def find_with_name(
        self, names: Iterable[str], *, exact: bool = False
    ) -> tuple[Organisation, str] | None:
        """The publication the first recognisable name stands for, and that name; with `exact`,
        only a whole name (or abbreviation or alias) counts, not a host or first words."""
        names = [name for name in names if name and name.strip()]
        for name in names:  # whole names first, then hosts, then the first words
            found = self._by_name.get(_key(name))
            if found:
                return found, name
        if exact:
            return None
        for name in names:
            key = _key(name)
            if "." in key and " " not in key:  # a host: news.bbc.co.uk, www.guardian.co.uk
                parts = key.split(".")
                for start in range(1, len(parts) - 1):
                    found = self._by_name.get(".".join(parts[start:]))
                    if found:
                        return found, name
        for name in names:
            words = _key(name).split()
            for end in range(len(words) - 1, 0, -1):
                found = self._by_name.get(" ".join(words[:end]))
                if found:
                    return found, name
        return None
