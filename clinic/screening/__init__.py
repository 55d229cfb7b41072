"""The health safety screen: data (contraindications.yml), matching, rules, actions."""
