"""Analysis and linking: what the archive holds (cases, notes, videos, transcripts) read and turned
into searchable units (``sources``, ``units``), the links between videos, cases, companies and
themes with their evidence (``links``), the remembered name mentions (``mentions``) and the kept
passages an update does not remake (``reuse``). It writes units through the engine, never Whoosh."""
