"""Datasets: generators and the catalog of what each one is."""

from .dataset import Dataset, make_dataset
from .registry import DATASETS, DatasetInfo

__all__ = ["DATASETS", "Dataset", "DatasetInfo", "make_dataset"]
