"""What the app does, in the language of the domain. The only modules that write to the database."""
