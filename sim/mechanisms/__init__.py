"""The model's mechanisms, one module each, in the order ``SafetyModel.step`` runs them.

Each function works on the enterprise arrays (no per-enterprise Python loop) and documents the
paper section (MODEL_BRIEF ref) and the literature rule it implements.
"""
