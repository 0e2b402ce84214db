"""The merged view of every enabled pack: bundled, the agent's own, installed.

Loading never fails as a whole because of one pack: a broken file, or a second
file declaring a pack id that is already loaded, is recorded in
`Library.problems` and skipped, and the rest still load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from tactful.core.errors import DuplicatePackError, PackError, TactfulError, UnknownTemplateError
from tactful.core.model import Pack, Reminder, Situation, Template, ToneRule
from tactful.core.packs import PACK_SUFFIX, Loader, read_pack
from tactful.core.situations import STANDARD_SITUATIONS

NEAR_REPEAT = 86
"""Two reminders this alike (rapidfuzz ratio, 0-100) say the same thing; show one."""

if TYPE_CHECKING:
    from tactful.core.cache import LibraryCache
    from tactful.core.lexicon import Lexicon
    from tactful.core.search import Hit, SearchIndex


class Library:
    """All loaded packs merged, with a search index built on first use.

    A library never changes in place: `with_pack` returns a new one.

    Attributes:
        packs: The packs, in load order (bundled first, then the user's).
        problems: What was skipped while loading, one error per file.
        templates: Every template of every pack, in load order.
        situations: The standard situations plus those the packs define
            (the first definition of an id wins).
        reminders: Every tone reminder of every pack.
        tone_rules: The team tone rules the packs add.
    """

    def __init__(
        self,
        packs: Sequence[Pack] = (),
        problems: Sequence[TactfulError] = (),
        lexicon: Lexicon | None = None,
    ) -> None:
        self.packs: tuple[Pack, ...] = tuple(packs)
        self.problems: list[TactfulError] = list(problems)
        self.lexicon = lexicon
        self.templates: tuple[Template, ...] = tuple(t for p in self.packs for t in p.templates)
        situations = {s.id: s for s in STANDARD_SITUATIONS}
        for pack in self.packs:
            for situation in pack.situations:
                situations.setdefault(situation.id, situation)
        self.situations: dict[str, Situation] = situations
        self.reminders: tuple[Reminder, ...] = tuple(r for p in self.packs for r in p.reminders)
        self.tone_rules: tuple[ToneRule, ...] = tuple(r for p in self.packs for r in p.tone_rules)
        self._by_id: dict[str, Template] = {t.full_id: t for t in self.templates}
        self._index: SearchIndex | None = None

    def pack(self, pack_id: str) -> Pack | None:
        """The loaded pack with this id, if any."""
        return next((p for p in self.packs if p.id == pack_id), None)

    def with_pack(self, pack: Pack) -> Library:
        """A new library where ``pack`` replaces the pack of the same id (or is added).

        The search index, if built, is updated for that pack only.
        """
        packs = [pack if p.id == pack.id else p for p in self.packs]
        if all(p.id != pack.id for p in self.packs):
            packs.append(pack)
        new = Library(packs, self.problems, self.lexicon)
        if self._index is not None:
            new._index = self._index.replace_pack(pack.id, pack.templates, new.situations)
        return new

    def without_pack(self, pack_id: str) -> Library:
        """A new library without the pack ``pack_id`` (the same packs when there is none).

        The search index, if built, is updated for that pack only.
        """
        return self.with_packs([p for p in self.packs if p.id != pack_id])

    def with_packs(
        self, packs: Sequence[Pack], problems: Sequence[TactfulError] | None = None
    ) -> Library:
        """A new library of exactly ``packs``, in that order (``problems`` kept when ``None``).

        The search index, if built, is updated only for the packs that were
        added, removed or replaced (a pack counts as replaced when it is not
        the same object); it ranks exactly like one built from scratch.
        """
        new = Library(packs, self.problems if problems is None else problems, self.lexicon)
        if self._index is None:
            return new
        before = {p.id: p for p in self.packs}
        after = {p.id: p for p in new.packs}
        changed = [i for i in {**before, **after} if before.get(i) is not after.get(i)]
        if not changed and new.situations != self.situations and new.packs:
            changed = [new.packs[0].id]  # only the order moved a situation's definition
        index = self._index
        for pack_id in changed:
            pack = after.get(pack_id)
            index = index.replace_pack(pack_id, pack.templates if pack else (), new.situations)
        new._index = index
        return new

    def get(self, full_id: str) -> Template:
        """The template with this ``<pack id>/<template id>``.

        Raises:
            UnknownTemplateError: When there is none.
        """
        try:
            return self._by_id[full_id]
        except KeyError:
            raise UnknownTemplateError(full_id) from None

    def reminders_for(self, situation: str) -> list[Reminder]:
        """Reminders for ``situation`` first, then the general ones."""
        specific = [r for r in self.reminders if situation in r.situations]
        general = [r for r in self.reminders if r.is_general]
        return specific + general

    def reminder_texts(self, template: Template, first: Sequence[str] = ()) -> list[str]:
        """The tone reminders to show with ``template``, most pressing first.

        ``first`` (the reminders for the customer's mood) leads, then the
        template's own, then its situation's, then the general ones. A
        reminder that repeats an earlier one in other words is left out.
        """
        candidates = [*first, *template.tone]
        candidates += [r.text for r in self.reminders_for(template.situation)]
        kept: list[str] = []
        folded: list[str] = []
        for text in candidates:
            key = " ".join(text.casefold().split())
            if not key or any(fuzz.ratio(key, seen) >= NEAR_REPEAT for seen in folded):
                continue
            kept.append(text)
            folded.append(key)
        return kept

    @property
    def index(self) -> SearchIndex:
        """The search index, built on first use."""
        if self._index is None:
            from tactful.core.search import SearchIndex

            self._index = SearchIndex.build(self.templates, self.situations, self.lexicon)
        return self._index

    def search(
        self,
        query: str,
        limit: int = 10,
        channel: str | None = None,
        boosts: Mapping[str, float] | None = None,
    ) -> list[Hit]:
        """The best templates for ``query``, best first (see `SearchIndex.search`)."""
        return self.index.search(query, limit=limit, channel=channel, boosts=boosts)


def user_pack_files(packs_dir: Path) -> list[Path]:
    """The ``*.tactful.toml`` files in the user's packs folder, personal pack first."""
    if not packs_dir.is_dir():
        return []
    files = sorted(p for p in packs_dir.glob(f"*{PACK_SUFFIX}") if p.is_file())
    files.sort(key=lambda p: p.name != "personal" + PACK_SUFFIX)
    return files


def load_packs(
    files: Iterable[Path], loader: Loader = read_pack
) -> tuple[list[Pack], list[TactfulError]]:
    """Read ``files`` in order; skip and record broken files and repeated pack ids."""
    packs: list[Pack] = []
    problems: list[TactfulError] = []
    owner: dict[str, Path] = {}
    for path in files:
        try:
            pack = loader(path)
        except PackError as exc:
            problems.append(exc)
            continue
        if pack.id in owner:
            problems.append(DuplicatePackError(pack.id, owner[pack.id], path))
            continue
        owner[pack.id] = path
        packs.append(pack)
    return packs, problems


def load_library(
    files: Sequence[Path],
    *,
    loader: Loader = read_pack,
    lexicon: Lexicon | None = None,
    cache: LibraryCache | None = None,
) -> Library:
    """Load exactly ``files`` into a `Library`.

    With ``cache`` (and the default reader and lexicon) the parsed packs and the
    built search index are read from it when no file changed, and stored in it
    after a fresh load without problems (see `tactful.core.cache`).
    """
    key = None
    if cache is not None and loader is read_pack and lexicon is None:
        key = cache.key(files)
        hit = cache.load(key) if key is not None else None
        if hit is not None:
            library = Library(packs=hit.packs)
            library._index = hit.index
            return library
    packs, problems = load_packs(files, loader)
    library = Library(packs=tuple(packs), problems=problems, lexicon=lexicon)
    if cache is not None and key is not None and not problems and cache.key(files) == key:
        from tactful.core.cache import CachedLibrary

        cache.store(key, CachedLibrary(library.packs, library.index))
    return library
