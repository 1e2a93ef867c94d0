"""The results plugin: records -> metrics -> gates -> HTML / JSON / terminal."""
