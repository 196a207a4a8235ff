"""Scenarios that reproduce published models (Deffuant-Weisbuch, Hegselmann-Krause)."""
