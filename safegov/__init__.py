"""safegov: command line and presentation layer on top of sim, experiments and calibration."""
