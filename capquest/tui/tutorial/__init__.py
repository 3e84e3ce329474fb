"""The guided tutorial in the terminal: the narrator's panel and highlight (`panel`), the flow that
drives the play screens through the course (`flow`), the recap (`recap`) and `capquest tutorial` (`app`)."""
