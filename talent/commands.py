"""Command-line tasks: reference data, demo data, accounts, backup and restore."""
import logging
from pathlib import Path

import click
from flask import current_app

from talent.auth import operations as accounts
from talent.core import backup as backups
from talent.core.permissions import Role
from talent.extensions import db

log = logging.getLogger(__name__)


def register(app):
    @app.cli.command("seed")
    def seed():
        """Insert the reference data (units); safe to run again."""
        from talent.reference import seed_reference

        seeded = seed_reference()
        db.session.commit()
        click.echo(f"参考数据已就绪（{'、'.join(seeded)}）；单位新增 {seeded.get('auth', 0)} 个")

    @app.cli.command("sweep")
    def sweep():
        """Daily work of every feature (reminders, overdue marks); run it once a day from cron.

        Safe to run again: a second run the same day changes nothing.
        """
        from talent.core.features import run_daily
        from talent.core.timeutil import today

        results = run_daily(today())
        db.session.commit()
        for feature, counts in results.items():
            summary = "，".join(f"{what} {n}" for what, n in counts.items()) or "无"
            click.echo(f"{feature}：{summary}")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="做完当前到期的工作就退出（cron 或测试用）")
    @click.option("--interval", type=click.FloatRange(0.1, 300), default=2.0, show_default=True,
                  help="无事可做时的等待秒数")
    def worker(once, interval):
        """The background process: SMS, e-mail and work-group messages, long exports — every
        feature's ``background`` work, round after round, until SIGTERM (systemd: README)."""
        import signal
        import threading

        from talent.core.features import run_background
        from talent.notifications.outbox import worker_name

        # An event, not time.sleep: SIGTERM ends the wait at once, and under faketime (CI's
        # year-end run) time.sleep's absolute monotonic deadline is refused.
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        log.info("worker %s started", worker_name())
        while not stop.is_set():
            try:
                results = run_background()
            except Exception:  # a database restart must not end the worker: it tries again
                db.session.rollback()
                log.exception("worker round failed")
                results = {}
            db.session.remove()
            if results:
                log.info("worker: %s", results)
            elif once:
                break
            else:
                stop.wait(interval)
        click.echo("worker stopped")

    @app.cli.command("rebuild-summaries")
    def rebuild_summaries():
        """Recompute every maintained figure (dashboard counters, stored card eligibility) from
        the rows themselves: after a bulk load or restore that went around the application."""
        from talent.core.features import installed_features

        for feature in installed_features(app):
            if feature.rebuild is not None:
                for what, rows in feature.rebuild().items():
                    click.echo(f"{feature.name}.{what}: {rows}")
        db.session.commit()

    @app.cli.command("repair-text")
    @click.option("--dry-run", is_flag=True, help="只列出，不修改")
    def repair_text(dry_run: bool):
        """Find and clean stored text the input boundary now refuses (control characters, lone
        surrogates, bidi overrides); every repaired row is audited."""
        from talent.core.repair import repair_text as repair

        report = repair(dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        detail = "，".join(f"{table} {n} 行" for table, n in sorted(report.by_table.items())) or "无"
        click.echo(f"{'发现' if dry_run else '已清除'}含不可保存字符的记录 {report.rows} 行（{detail}）")

    @app.cli.command("demo")
    @click.option("--count", default=40, show_default=True, help="演示人才数量")
    def demo(count: int):
        """Load demo data on first run (does nothing once any account exists)."""
        from talent.demo import DEMO_PASSWORD, load_demo

        if current_app.config["PRODUCTION"]:
            raise click.ClickException("生产环境（TALENT_ENV=production）不允许加载演示数据")
        result = load_demo(count)
        db.session.commit()
        if result["skipped"]:
            click.echo("已有数据，跳过演示数据")
        else:
            click.echo(f"已加载演示数据：{result['talents']} 名人才；演示账户密码 {DEMO_PASSWORD}")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--unit", "unit_name", help="单位名称（role=unit 时必填）")
    @click.option("--talent-id", type=int, help="关联的人才编号（role=talent 时必填）")
    @click.option("--commissioner-id", type=int, help="关联的科技特派员编号（role=commissioner）")
    @click.option("--employer-id", type=int, help="关联的用人单位编号（role=employer 时必填）")
    @click.option("--password", help="不提供则交互输入")
    @click.option("--name", "display_name", default="", help="显示姓名")
    @click.option("--must-change", is_flag=True, help="首次登录须修改密码（为他人建账户时使用）")
    @click.option("--phone", default="", help="手机号码（接收短信通知）")
    @click.option("--email", default="", help="电子邮箱（接收邮件通知）")
    def create_user(username, role, unit_name, talent_id, commissioner_id, employer_id, password,
                    display_name, must_change, phone, email):
        """Create an account, e.g. the first administrator of a production install."""
        from talent.registry.models import Talent

        unit_id = None
        if unit_name:
            unit = accounts.unit_by_name(unit_name)
            if unit is None:
                raise click.ClickException(f"没有名为“{unit_name}”的单位（先运行 flask seed）")
            unit_id = unit.id
        if talent_id is not None and db.session.get(Talent, talent_id) is None:
            raise click.ClickException(f"没有编号为 {talent_id} 的人才")
        commissioner = None
        if commissioner_id is not None:
            from talent.commissioners.models import Commissioner

            if role != "commissioner":
                raise click.ClickException("--commissioner-id 只用于 role=commissioner 的账户")
            commissioner = db.session.get(Commissioner, commissioner_id)
            if commissioner is None:
                raise click.ClickException(f"没有编号为 {commissioner_id} 的科技特派员")
        if employer_id is not None:
            from talent.employers.models import Employer

            if role != "employer":
                raise click.ClickException("--employer-id 只用于 role=employer 的账户")
            if db.session.get(Employer, employer_id) is None:
                raise click.ClickException(f"没有编号为 {employer_id} 的用人单位")
        if password is None:
            password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
        try:
            user = accounts.create_user(None, username, password, role, unit_id=unit_id,
                                        talent_id=talent_id, display_name=display_name,
                                        must_change=must_change, phone=phone, email=email,
                                        employer_id=employer_id)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
        if commissioner is not None:
            from talent.commissioners.operations import link_account
            from talent.core.errors import Refused

            try:
                link_account(None, commissioner, user)
            except Refused as error:
                raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"已创建用户 {user.username}（{user.role_label}）"
                   + ("；首次登录须修改密码" if must_change else ""))

    @app.cli.command("reset-password")
    @click.argument("username")
    def reset_password(username):
        """Give an account a one-time password (e.g. the only administrator forgot theirs)."""
        user = accounts.find_user(username)
        if user is None:
            raise click.ClickException(f"没有用户名为“{username}”的账户")
        password = accounts.issue_one_time_password(None, user)
        db.session.commit()
        click.echo(f"{user.username} 的一次性密码：{password}")
        click.echo("只显示这一次；用它登录后须先设置新密码。")

    def _backup_folder(folder: str | None) -> Path:
        return Path(folder) if folder else Path(current_app.instance_path) / "backups"

    @app.cli.command("backup")
    @click.option("--output", type=click.Path(dir_okay=False),
                  help="备份文件路径（默认 备份目录/talent-时间.sqlite|.dump）")
    @click.option("--dir", "folder", type=click.Path(file_okay=False),
                  help="备份目录（默认 instance/backups）")
    @click.option("--keep", type=int, default=0, show_default=True,
                  help="只保留备份目录中最新的 N 份（0：全部保留）")
    def backup(output, folder, keep):
        """Back the database up while the application keeps serving."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        target = Path(output) if output else backups.default_target(_backup_folder(folder), url)
        db.session.remove()
        try:
            path = backups.backup(url, target)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"已备份到 {path}（{path.stat().st_size:,} 字节）")
        if keep:
            for old in backups.prune(path.parent, keep):
                click.echo(f"已删除旧备份 {old}")

    @app.cli.command("rotate-data-key")
    @click.option("--batch", "batch_size", type=click.IntRange(1, 10_000), default=500, show_default=True,
                  help="每批重新加密的行数（每批单独提交）")
    @click.option("--max-batches", type=click.IntRange(1), default=None,
                  help="最多处理的批数（默认全部；中断或分次运行后再次执行即可继续）")
    def rotate_data_key(batch_size, max_batches):
        """用当前 DATA_KEY 分批重新加密个人数据（系统照常服务）。

        先让所有运行中的进程都带上新 DATA_KEY 和 DATA_KEYS_RETIRED（旧密钥）并重启，再运行本命令：
        只有旧密钥的进程读不了已重新加密的数据。见 README 数据安全。
        """
        from talent.core import keyrotation
        from talent.core.crypto import CryptoError

        try:
            rotation = keyrotation.rotate(batch_size, max_batches,
                                          progress=lambda name, n: click.echo(f"  {name}：已重新加密 {n} 条"))
        except CryptoError as error:
            db.session.rollback()
            raise click.ClickException(f"{error}。已完成的批次保留，修正密钥配置后再次运行即可继续") from None
        left = sum(rotation.remaining.values())
        done = sum(rotation.rewritten.values())
        click.echo(f"当前数据密钥版本 {rotation.version}：本次重新加密 {done} 条，尚余 {left} 条")
        if left:
            click.echo("尚未完成：再次运行本命令继续；完成前不得从 DATA_KEYS_RETIRED 中移除旧密钥")
        else:
            click.echo("已全部使用当前密钥；可从 DATA_KEYS_RETIRED 中移除旧密钥"
                       "（旧备份仍需旧密钥才能读取：请另行保管）")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(dir_okay=False))
    @click.option("--yes", is_flag=True, help="不再询问确认")
    @click.option("--dir", "folder", type=click.Path(file_okay=False),
                  help="恢复前自动备份的目录（默认 instance/backups）")
    def restore(source, yes, folder):
        """Replace the database with a backup; what it replaces is backed up first."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        try:
            backups.check(url, Path(source))
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        if not yes:
            click.confirm(f"用 {source} 覆盖当前数据库？当前数据会先另存一份备份", abort=True)
        db.session.remove()
        db.engine.dispose()
        try:
            before = backups.default_target(_backup_folder(folder), url, "before-restore")
            safety = backups.backup(url, before)
            click.echo(f"恢复前的数据已备份到 {safety}")
        except backups.BackupError as error:
            click.echo(f"恢复前未能备份当前数据（{error}）")
        try:
            backups.restore(url, Path(source))
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        db.engine.dispose()
        click.echo(f"已从 {source} 恢复；请重启应用（gunicorn）以丢弃旧的数据库连接")
