"""Models layer: regression design, survival models and intervention-effect estimators."""
