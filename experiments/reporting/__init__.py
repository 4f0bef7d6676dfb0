"""What reports share: one Markdown/HTML renderer (``doc``), one set of number formatters
(``numbers``) and terminal tables aligned by display width (``terminal``)."""
