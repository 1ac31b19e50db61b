"""一支部一品牌: a MkDocs plugin that builds party branches' brand and news pages."""
