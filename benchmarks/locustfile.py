"""The simulated users of benchmarks/load.py: each signed in as a sample council's manager or
lead (a session made beforehand), reading the main pages with a person's pauses between them."""

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["LOAD_USERS"], encoding="utf-8") as handle:
    PEOPLE = json.load(handle)


class Person(HttpUser):
    wait_time = between(2, 8)  # reading a page before the next click

    def on_start(self):
        self.person = PEOPLE[random.randrange(len(PEOPLE))]
        self.client.cookies.set("sessionid", self.person["session"])

    @task
    def read_a_page(self):
        name, url = random.choice(self.person["pages"])
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
