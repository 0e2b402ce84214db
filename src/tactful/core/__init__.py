"""The pure-Python heart of Tactful: packs, library, search, tone. No Qt here."""
