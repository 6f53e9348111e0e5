"""Slow clients against a running litellm-proxy: N connections each sending a request header one
byte a second (reconnecting when the proxy closes them, as an attacker would), while one normal
chat request a second is timed. Used by slow_clients.sh.

    python3 slow_clients.py PORT N KEY
"""
import asyncio
import json
import sys
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"
PORT, N, KEY = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
NORMAL_REQUESTS = 30
closed = 0


async def trickle():
    global closed
    while True:
        try:
            reader, writer = await asyncio.open_connection(HOST, PORT)
            writer.write(b"POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\n")
            while True:
                writer.write(b"X")
                await writer.drain()
                try:
                    if not await asyncio.wait_for(reader.read(100), 1.0):
                        break
                except asyncio.TimeoutError:
                    pass
        except OSError:
            await asyncio.sleep(0.1)
        closed += 1


def one_request():
    body = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(
        f"http://{HOST}:{PORT}/v1/chat/completions",
        data=body,
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    started = time.time()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(response.status), time.time() - started
    except urllib.error.HTTPError as error:
        return str(error.code), time.time() - started
    except OSError as error:
        return type(error).__name__, time.time() - started


async def main():
    tasks = [asyncio.create_task(trickle()) for _ in range(N)]
    await asyncio.sleep(3)
    loop = asyncio.get_running_loop()
    results = []
    for _ in range(NORMAL_REQUESTS):
        results.append(await loop.run_in_executor(None, one_request))
        await asyncio.sleep(1)
    outcomes = {}
    for outcome, _ in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    slowest = max(seconds for _, seconds in results)
    print(f"{N} slow clients: normal requests {outcomes}, slowest {slowest:.3f} s; "
          f"slow connections closed by the proxy: {closed}")
    for task in tasks:
        task.cancel()


asyncio.run(main())
