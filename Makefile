# The two commands a new user needs; see README.md.
.PHONY: run test web

# Build the web app and the server, seed demo data into ./data on first run, and serve.
run: web
	cargo build --release -p floorwalk
	./target/release/floorwalk demo
	./target/release/floorwalk serve

web:
	@if [ -f pwa/package.json ]; then cd pwa && npm ci --no-audit --no-fund && npm run build; fi

# Every test: Rust on SQLite and Postgres, JS clients, browser tests.
test:
	bash tests/run-all.sh
