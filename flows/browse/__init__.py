"""Reading and driving any page as a person does: the look, settling after a click, navigation."""
