"""The cluster and its sub-clusters (themes such as food, winter, pilgrim paths)."""

from __future__ import annotations

from pydantic import Field

from .base import Id, Model, Name, Slug, Text


class SubCluster(Model):
    """A theme inside the cluster; an organisation can belong to several."""

    slug: Slug
    name: Name
    description: Text = ""


class Cluster(Model):
    """The network of organisations that co-create."""

    id: Id | None = None
    name: Name
    description: Text = ""
    subclusters: list[SubCluster] = Field(default_factory=list, max_length=50)
