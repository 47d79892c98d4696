"""A campaign's exports: recipients and events as CSV, the report as XLSX, written by a
django-q2 task in chunks so a million-recipient campaign neither times out a request nor
holds its rows in memory; and the printable report, small enough to serve directly."""
