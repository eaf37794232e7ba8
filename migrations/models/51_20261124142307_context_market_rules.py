from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "context_chunks"
            ADD CONSTRAINT "context_chunks_bytes" CHECK ("bytes" BETWEEN 1 AND 65536),
            ADD CONSTRAINT "context_chunks_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
            ADD CONSTRAINT "context_chunks_tags_array" CHECK (jsonb_typeof("tags") = 'array');
        ALTER TABLE "context_chunks" ALTER COLUMN "indexed" SET DEFAULT false,
            ALTER COLUMN "created_at" SET DEFAULT now();
        ALTER TABLE "context_retrievals"
            ADD CONSTRAINT "context_retrievals_budget" CHECK ("budget_bytes" BETWEEN 1024 AND 1048576),
            ADD CONSTRAINT "context_retrievals_served_within_budget" CHECK (
                "served_bytes" >= 0 AND "served_bytes" <= "budget_bytes" AND "served_bytes" <= "candidate_bytes"),
            ADD CONSTRAINT "context_retrievals_tokens" CHECK (
                "tokens_charged" >= 0 AND "tokens_paid" >= 0 AND "tokens_paid" <= "tokens_charged"),
            ADD CONSTRAINT "context_retrievals_charged_has_purchase" CHECK (("tokens_charged" > 0) = ("purchase_id" IS NOT NULL)),
            ADD CONSTRAINT "context_retrievals_duration" CHECK ("duration_ms" >= 0),
            ADD CONSTRAINT "context_retrievals_rated" CHECK (("useful" IS NULL) = ("rated_at" IS NULL));
        ALTER TABLE "context_served"
            ADD CONSTRAINT "context_served_price" CHECK (
                "bytes" >= 1 AND "kb" = ("bytes" + 1023) / 1024 AND "tokens" >= 0 AND "rank" >= 1);

        CREATE INDEX "context_chunks_peer" ON "context_chunks" ("peer_id", "id");
        CREATE INDEX "context_chunks_tags" ON "context_chunks" USING gin ("tags" jsonb_path_ops);
        CREATE INDEX "context_chunks_unreconciled" ON "context_chunks" ("id")
            WHERE ("withdrawn_at" IS NULL) <> "indexed";
        CREATE INDEX "context_retrievals_created_at" ON "context_retrievals" ("created_at");
        CREATE INDEX "context_retrievals_requester" ON "context_retrievals" ("requester_id", "id");
        CREATE INDEX "context_served_retrieval" ON "context_served" ("retrieval_id", "rank");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "context_served_retrieval";
        DROP INDEX IF EXISTS "context_retrievals_requester";
        DROP INDEX IF EXISTS "context_retrievals_created_at";
        DROP INDEX IF EXISTS "context_chunks_unreconciled";
        DROP INDEX IF EXISTS "context_chunks_tags";
        DROP INDEX IF EXISTS "context_chunks_peer";
        ALTER TABLE "context_served" DROP CONSTRAINT IF EXISTS "context_served_price";
        ALTER TABLE "context_retrievals"
            DROP CONSTRAINT IF EXISTS "context_retrievals_rated",
            DROP CONSTRAINT IF EXISTS "context_retrievals_duration",
            DROP CONSTRAINT IF EXISTS "context_retrievals_charged_has_purchase",
            DROP CONSTRAINT IF EXISTS "context_retrievals_tokens",
            DROP CONSTRAINT IF EXISTS "context_retrievals_served_within_budget",
            DROP CONSTRAINT IF EXISTS "context_retrievals_budget";
        ALTER TABLE "context_chunks" ALTER COLUMN "indexed" DROP DEFAULT, ALTER COLUMN "created_at" DROP DEFAULT;
        ALTER TABLE "context_chunks"
            DROP CONSTRAINT IF EXISTS "context_chunks_tags_array",
            DROP CONSTRAINT IF EXISTS "context_chunks_sha256",
            DROP CONSTRAINT IF EXISTS "context_chunks_bytes";"""


MODELS_STATE = (
    "eJztXXtT40a2/ypd/BOmrkOBecyss7tVHtBMfAOYNWaS3HhLNFIb6yK3vHrAePfmu99+SN"
    "ZbtGTZyKJTlcGWdFry77S6z/v8Z29u6ch0DvqaZnnY3euB/+xhOEfkQ/JUB+zBxSI8QQ+4"
    "8MFk15pIf0S2Cvm17Bx8cFwbanTMKTQdRA7pyNFsY+EaFqZEfcDJgE/WAxA4S8dF8+AI2L"
    "/nB3pzA7v3HRB81az5wnNR5Mgc2k/Ivf8ALJveXbc0cnsDP27yRhPszhCwMFoNY03J0JqF"
    "ya0fPNeyD8CYXPEATYg1BEzjGTlghmwChjaD+BHphNpcgoclWFiOSx7XOZjgCT7/WTn/hY"
    "5DISQP5ID9ufFoQ4ocOD760AOeE/4cB2D0TL4+WuABmdYLOOwAbNn+l5cZdIHhABsRkmek"
    "H1B4PGz8y0Oqaz0i8hNsAtIf/ySHDayj78gJvi6e1KmBTD02LQydDsCOq+5ywY59Nh4H2P"
    "3CrqXgP6iaZXpzHF6/WLozC68IDD6hHhFG5FchegfX9ugcwZ5p+rMqmDb8YcNL+FNGaHQ0"
    "hZ5JZxql5g8QHttT1evhWL1Vxqq6l5qFAUVkvviHIvAzAB7pI/z4l273+Phj9/D47NPpyc"
    "ePp58OP3Xo/Cfn0qc+/skfJkSLD8UwG3wdXI/pA1nkNeGvET3wJ6OBLuRUjBkh+uxvCv/z"
    "GbSz0Q+uT+BPflgS/wDt5jJgDr+rJsKP7ox8PTkswPZbf3T+c3+0f3L4IQ7wtX+my05RqE"
    "Non8jPyoZWwd6cwTsgD0Tf5BTMAW09MAcHQpzDFbQ60Hu3v9+Olase4H8n+O5WGfUA/Te5"
    "Yoow4JMA/p9y4f+URN9fI8utLRGi1xeYupA/bMECE+IebAvlgI9SSeSrIY+gjcviHtJI1K"
    "uh7iwQh0oc9BWJxHydmU6kTR0uq8z3kFJyYC0OZOJ/QZArRD8beyKiIteYowP6QYALvqi4"
    "YSFHmA8FkF70x0oCv6lt/RvhjLlrWSaCOBu+kCgB3QOh2tS8XR3ZLmafh8NLOvLccf5l8n"
    "mZmJTXd1efldH+ERMJyUWGmzNXOWyqjaBjZUCer+ukCLcnje/tbWq5iMncp4ciWg+5Klfu"
    "ZufieJvQcVWoucaz4S5VmLE5XvivejbsWfRFawX90Kr1Yjy4Um7H/aub2AtAVxF6psuOLh"
    "NH988SLFoNAn4djH8G9Cv4n+G1wtC0HPfRZncMrxv/zx59Jui5loqtFxXqUUyCw8GhGMc1"
    "8ooQ3CvwOk5ZA5e3pPuKv2/kB+pDbC79GbgjbPdflmKuh2ZJtawRL01bSRJLvtPvxKBHba"
    "nTp4g9jx54gNrTC7R1NXYmIrJRxJGTwSef8MsvI2Qyk3AGP3zjvUIGWe7ga/hnMAGDo+Hr"
    "GJ3QHnaRrUqkXkOKm2sYAmvCNApHaitYZI/TDXdNnMY2xM4UNcj8Wy9IOnqQGGVgRFd2q2"
    "tlruiRTTQN3BCjsUX+SfkZsrE7j4+1S/tuHnbksA1fVh7HDJmDwEB+POKK44jIQ6PBOdlf"
    "Y7tpHHx6at6dJ49ADB/Z76ZPSJ8n8HUvjF/Qci/LC87PdIqc4HBhqE9oKer9xqB/MwCEoA"
    "Mc8hsDXzB0APUq3/7c/7F7ekY9yvTry8wyEb34J3C/sNHU+H4PDJ3sfAb5aQ4wXGBgYBq+"
    "DzntAd/wzaQ/ucHiZ6fAn0yYrM6gMytjZ4nStM6vfHYiYGE5O8k1sNBTcfsKf4PKABxSNN"
    "mfXBHgozMBgI+SenIIMD31pzRnvHtzho2eradKXI9TSlNlk02VC/JLNWMBzdImqyTl9lyH"
    "rRAaUjarDJ6kGfKFiJbGIyaisqAecxMda8eYIarIJGdiTI0579+e9y+UhBaTsham1ZqaNB"
    "7H8ebBL09rPeHZQs1HM6FNdAONKfwqXFEJBwI7cIqAzyCmgpCnxS5Y2JaGkO4QZaUDPKJ/"
    "mACCBbIdCwPrGdk20UqoPpKh8Kw9JI3DnRlUWVrS2f8MTcpZ7lzsgBVPB3rkyzWBrwOgS5"
    "lJw4KpZXJJR18Nnact/bHnGtoTYmsSOecwIMl0+WdCjfqDTELb9k0r/nwi75jrOfxSqWI1"
    "TsVKM0xUD0hTtlEf6IpEkpKr8jWCbiqaNPoKlQA8QdZCtGuO2l0B5qLvGXL4mBx9BemAsB"
    "VYF0neym/jmNAdoLp/1f/tQ0zwvhxefw0uj3Dh/HL4OQG//wNUtjmVgT9FKOGvAH9p2CXc"
    "68DtyzmZ6/nrKRoh9RbDwm5Gw2+D28Hwun+5V44LUdIeiHyZ4OE3ZTQaXFwo1z0Qfk6KwG"
    "J7r9DWW7DzJjeEvKi9/HdizXC9HbK9bOKd8PUKHeEKhrAUsbSFNdkW5mujaS7/9+3wOpvD"
    "EZIkbw3NBf/HvHgbW/3+OvWwxnJWHzzDdA3sHND7/b3kUlgHsylExS9f8j1LMJAOkHz5pO"
    "Mhf59pr+Mhsmo+LEubpbOoa4mlfGuGv0leCzealWZCjEw6BupyDIQmzDW9AudRe/J4NeqO"
    "8UTUPxCbjdnOgdz1Z8sumIYtOqIIZy26MaDJg4Dru8vLt3LDxCb8CDHr2KX1uJfhk8m7tC"
    "PuoLE5laB3RiHgLcG9lnHf+w6A8wfj0bM8B1g2wJbbY74WgrQ1NzAkwmcQVEY4+UhrsNDZ"
    "lfbXbOomMjCtwVtJR3pNmuk1WVV8imN+O4emmTv/09RtkqyOux/PVi8A/VI05W+v+peXaW"
    "l1t/TFra457VUX/c0WlU+6S1K26XV6W0VlheyWxeemMUNUfk7OxCZFMGXpiq+JzaFKKSoy"
    "cx1NOJ4p2AvBgvxGMKUCKibSKXSeDsA//HMOgFgn/zsvyHZYbUByEZNibesF7DOD44deSl"
    "Kuc3Aa4xSM5tA3xNA7gNYy6wDql+8AhxYWNNxlxx9qTOY+rV1oGRpyyOkFxARr8orY5GIU"
    "0BHu+FP1z39OsP8QPQDAf4KbDXRC5odUvRJK9aeYGP9HxMGnk83ENDCi26WMipLy/U5IQJ"
    "sX7xe2NV+UitIJKVqhQm3bOftEZEKsLqBNvpPNMyN0Id9zl0XbDBcevW1rXHi6NSf3Vl34"
    "WIo7CbJmMKZVvtWVWFKGLTEiyZTameKLcmVYEiFpBkNatXztYEjc8MaPVSsRC0dpeoD+O8"
    "H9GxoMp1z0QPBpgkfKfyvnY3os+DTB1HRzoQ7vxj2w+hg5qn6+HJ7/QklSh5Iql4jA1hUp"
    "zNbNr8vWTZVlI6oVMlXH+HdGhGmxITZO2SarUR1G2KhymAK22AqbIG1h2M6O2F2FwuV2y9"
    "ouo7PqMbfrSDP0SlyPU8pQ2F14t9EzwuXDv7KoZQxe1Rg86eCSDq6mMmNbDq6IihxPfk+8"
    "DCWq48Vz71uCe1rDWQ+kGzrEFZo/tKuKYCzJ0HLXrW36zRKq0L8z8GzUnWxh6sI8n3n4aS"
    "/Ljxw93yl0IPMrVY1eKuw5ZlfTcEafnFWnQDZwZpDITwfgNqjepyFWWGKfnu0kK/hRyg8/"
    "AcN1wDPSaIAk6z2XtGxs+n4TbGDwD92G2AUemUQ2u9ghiAJDPwD3L4Y7I2dfaP7ZPXDhE6"
    "8uaHmsk56NaF3fZ2j+BO79KXhPiJcOeJkxN/AE+2PPLMJadveFZdBufi+24boIAzh1/Zve"
    "cAn09h+X5JfO54ZLa3mQ36wZJvl50AXMif2jt/jwege+U9qB7wj89W/gYUleTvrh7PT0+K"
    "xDUaOoGA44OwEz9B3oxiN5rPyqHxRNepITpsp9SOd1I53XPrdSHMh3WocUrfCkbrpmYtly"
    "ErKKxBpuaraIpdHO77oXXN8mfa17dPLx5NPx2clqIVkdKVo/MhqMWZ6d1cewYG1YUbRi+m"
    "6hZU1Zd7300wf41O6BDH58Whopao0VoZK9sUr0xpI+jfxlp70+jaiaVJbvSVrp12iyX4Oq"
    "g+Ur3SJpQa+/yC2qxXherk9H0zghaj6PzECRHh05kOc2oi5h6vTNc7eroVqC+DZsnqPA3r"
    "aXb/cMr+mI2D5XJjxB++cQI7CAhg7utdj90H0PvMygC16gA6DzhPRO+J3PG/+A4QKNLMos"
    "/cWB7Dj9OCMLboIBG73ZBJsWfuTmTkphA9eynsD+ve5xI6I6d+47/DxT/6jBcw7tJ+Teut"
    "B1fgBkpiOsserBGm29YiLng0xpb/qO0imwGhIgsqp3FRZJzazdtZt2ga2btTydvCFqaetW"
    "gqxNIlVtRq65gVVHI8JQhohkWjAH2hhVAtcpJdtBZAtguxjefb5UwM1IOWe1O+PqBjsZ1/"
    "dHSv9SWrqaaunSyNZuUDW5zGoSJ5JrSZZNK4Aob6kuDOVLE7cJ5C2H8nHhtgofkpSSCZWZ"
    "4FpPCDuqNoP2Y6Y6XFTYMEUrGbEuI6iKWIkLAaFkQWUWLCzT0JYq0Z8dI6useL5NNEXYJi"
    "7UtvdGrBGlJPkEnZTlRWR5z0FTLyvgtchTGhJVc5TujrOmRjepXdFJatfrIt0d7HfOUSYd"
    "4fl7RHsd4TLVqAkymWcT/cJB5f3UccJaMu7eiVthS6le78NbXZjsJV3WG3RZpxeRNHRDjM"
    "YW+Udwyo5tiJ2pUPpXo9YO4dCK+KIpMlfriAXwZ2N+IEA4XV+PAgjfErEIAJ6TxKnAwxLA"
    "MBWoAwwMCMufgGXrNBGJxrexzB/mWGLu94VtaAjsH7LSmO6M171JOv5rvscEr1aVHxxgvW"
    "B+A+cDu5rV3USUOYTHfL6SY9Dl4Qcsb4llVb3MEGbFPHVDz88ZsqMxGPQ5ZdpQc3bqTkEA"
    "AONVCv98mdW/vE2yan1pFqW9z9LzXMpaJbOC6pyuTw8loOQXSxxzfTJV3DFtg3TLWj8TZ8"
    "pX2olQSfCrm1xkWsDbVTfyhe0KJsc4pWTCGkxgim15DkTIZIGv2gyOEfWzBoNjMqtgx94I"
    "catjfDnIseSk9tz6UF7VrGkpwlFhQwBdmeFVa4ZXer2uAdw1rLs7Amxsjyrtidh0VlgwsX"
    "PswJF5X2wF9i8UroK1QLZjYdrtE2JAHg+73F6qW8gBL5b9FHQzWpjQnVr2/AD06VW87dHM"
    "Iz/K4SWsyFWGA9jDpLuObvJGMk2rweJNp8BKOyOcNUsVcAkp6knUelsmxMq3HHcFqrccd3"
    "OLt9BTCUsY+VnZ4L7esCCgbXI+3N7Pd1f96x5gfya4/1W5HvcA+5Ncf0QYINIHKr8LVKoH"
    "FPpOVjzXyHK85icVxYhkZhGzpteZWWSjheeuogQSwWxIM+bQzFNwo4RJznDKA3+EjXHn6O"
    "CQ/fcG3LhQzgdX/cv9o27nLBEUGrDlJFU8KgStSoRoklgGEO5SAKEMG32PXF81FS1vQ09Q"
    "ypjFNUyIIgF16aLJawfWtc3sFV/QMgutrI1ZGw2ymbjJAE5BwHTDIZLPupXoL/gobQXJ77"
    "xGJIU1cXoHfQ18w6eNpp6z9rI1YoON+FhtRcxxp2vCdOtO2wqOZkLbmBoa181k04xy0fjR"
    "Fj9rheOXaRbUKLlY2BGW0AhiLhvyEOD67vKyMCA/0itI0ywPZ6iiwTwNwBfoFhQO1Q4/2Z"
    "8lvVWBZJHhqYoIHfleKhPpj8hWo2KOkKMK2u6SRvw//C/iJkrXAnAV5f8Tyyt4NtALssHL"
    "zKKdQbDFqYC34H1LWAOVIC3AsikBsh3WCiXTZbWFW0rnVYMV606B88pG0MkyI+c7r0KKJn"
    "tVKrqvjg6F2g/Qy3J9KPxkuu92jotQrO32lts9rN11++7mZ+Xyogf4X9px+5syuuUdt/mn"
    "Bji3sJXHlOypH1y/RT5sykmynWkvzef5DGiv+ZyMZJnP1QqqxEllTZUm11SxFgR6WsOvtJ"
    "skSSlD3dcIdfffmApsSNPKoPeqfAi0o9JMSBDKV2GNV4EqpZUyb2KE0mlbS96HG4nF3l5Y"
    "d9NeBVE7YWIZEAiaX22iNQD8PpISkmKHUGbCaousAeZ1rN07gnFaphCxeL+SpJBe49d2PL"
    "S9DlBiT9t4HSCFLCDLvQxrOj/REbClI7oGiZrSaU0ex9BZH5zQmA0gb+vte0qAg5iNuscb"
    "55B3lfbunrNTQZ2dB2jSmcJbf6ft5xu6zwT/bDhktV2CBcGTDGTTij9QB1PbmrPr2fSi2S"
    "T7/k0IJzvA0GVTn8YLRZ0CgzufFeU4ENJI7aCyduC/fyp7/8rhnyKVbKjMhtan84xH/evb"
    "L8qoB4JPE3w77o/Gykj9So6MeyD2lZ79oo6UX/ujC3oq+DzB35TR4MvgvD8eDK9XF2QcnO"
    "Dz4TXtcbW6KP6dnr+6uRsr9AT7EFLc3FHz/a0S0gRHJlj57WYw+r0H+N/Ah9O/DHw4/csq"
    "PpzuiYCnoXuS62egp6SX4R2am0MxqOTuGaOTS3flpZvBiGwWGVK+slOaWLJCWpt3iwUF1s"
    "7c2LzSRiLx0LymMULUNhFfkQWscNKUXAbe8qbk6OIsZ7BI6aD0btaoWizKd6R5/o9PW+RW"
    "JztFVjkUXFbCImd7mBnKgtooFqZGM+g8UcsV7UpNnp+Vz6bGM82ybT9QGfj1q1Omt3UHlH"
    "ayBm+nnQI7WYSXmULO3d3gIk/STFImeOJ5ZHJQ+ioLVBOM/1ko88IqXD+Lal7sd8aFR/Ym"
    "qexbCtb84Mc41aZMMG9XueZINASyKAIyaZqgK5W6sK35IkMyzG/kniBrsr2rFlPEJtq5k7"
    "2ZfCKbdKl+2HGqZtSuobdtTe2aKXkYIjjZRpaulL/6JMjat/yciZhFz/LNomcpsyhNG/Ay"
    "Jr940oGX9RJsMtp9dHd9Pbj+WnKuB2Q94H+Y4Nu783NFuaD5BquPE/ylP7ikh/jfKsbrI7"
    "E9omCLSHHJm8+hnaF15e8OEZJKvGlmZMnWNgYys+1q7oI4ZQvdBS1OSiAbiOHMKrE9QSqT"
    "EprsJQre0Qrh8ClSGQ1f1T/huNMK8E8l7vU6JRxev2NNc65YFZCG4S9qyQ1nnYCdPFwhao"
    "D1HQQDp1bU0rHAIfamOVc1aK5b+efSnJ+TUXZQOCtRqaU+R0IAV4YbIYJkQWhvlGtiPoTL"
    "yytASXy7/8oN0eFNNHUAXUCtAY4bBsvy9poGpu01aYytC+5DYf0+27WwgftM8ASPafcwwO"
    "FlYb264fyvRdjVAwhqM8C6i9EiG9yHpNPR0HeCirlkrTzJ05A7zQ/AvUZEo3t6JTs9wfvX"
    "d1cKWZQ6tD6HTah18ngffgKGSy+ibxLvPHrvP//fOMr3LASZFvmghRt4z1Ba4IP9FMI500"
    "AFzUNXsPhvsEYuxy7jKT2S7CT6R1RJ+qf0rTTSt7KwrWdDz3Kn5xvgojStsEdv2vzGFsMy"
    "CK8IWghvV8i50i1wrnTTzhUDLzxXrdLhMUkpw6Aqa3qW51blQopUsqF6bCYRLZBKzXeVWJ"
    "FJLtmxJjtebMNFa/AjSS8ZUpkhXPglz1WJHVnUkhmVmUF0dIS1pTov0y88TtQm9OvrcS89"
    "W+/BxZFQwUuoGGnKNjiQEy76rkiVQHJVvpO+m6oUyC0qGZuGZZkI4jyVOSBKoPxAqNr1Dn"
    "0eDi9jr8/nQdITf3f1WSG4J9oupRcxD3Pc1PKlSTNI2ze/j4VU6eMCVfo4o1Cj5WTtGUW9"
    "xAKStbuINQztAnCD9mHHh52j0xL9wzTL1iuWQ4yRtnBfbnHESdJyLq5uJCnbJOxuWdVgG0"
    "KVNl4rKhmMUF3n9levSqUpk7SSDzUFhaBo+teaMQyxVLIdW5BEgxiSq7FAnAhbP2qA94r+"
    "uQkG2625LgpvdK0VKsi3WhhqAPgdxOCkV9I1gnBsRNlFHqueKJxRMFyLlo9thOOEuOXH5c"
    "SwfT1AR42zVixUR5tB/OiXxqOD/ECjWhyX5uPem/wxHP4c6L4HXmY0osYFL9DprL48II08"
    "fofFqLzMltmhOhu6j0wObrAE0wEFXWu8sknBIUWdycBvm0BWTzawRYgrmH+iZNIE9IoJCK"
    "OXKhhHySTGr5rZZCerTZuJuYxQ0ZQZI5WmzF0yZea6GotjWPK8jNKA+ZroE986qhkxk5TS"
    "gFY5xpHQVeNBklLyoLox2d8/KhmTk7SSDzUZkzU/A2hNO1z7srI6yYpx4W4o0tslWDekEV"
    "kI3eQ6KwDxanuUEAtBnBQnhGz1q3VX2urFbPXJjaqG5jn1WZ8j0zzD7hx/CfItzuwQn0qC"
    "pubxKvPSmrIcySAZ7b/YWMB6Rjb4A02ntL/5M1JpumYHhN9d6wPNsry7vQALcuXRFU/CdN"
    "LG5o3diWaGjqwXnhGKaW8ewPmq83bqP/o5m4R4YUIN9ailmxYy5LXAHG9B+63rtFMMsK0X"
    "nugJyUgv9DEneP9+dQmdPfcfuKXbIuoovZ62dHfDUXTgwifEerzTO9LMVmz9SH+cCRfA9k"
    "wE9iEGym/nl3cXygSHEze4fG482szH8+EA9Mk3xyEIApa2wH+QHzAfZMz6+akzRH4+fbAp"
    "NdkDOi0nGLrAdz0AqvqDfT7Mj38HLE+rExmNHONZQ6JdcP6IJS6uUuziHJSJqg2188tEVZ"
    "mo2ppEVbL2qnOyHZR0AqSJ13YFNI0FAr6Ao0+dvwi7AvzE0oqAZ1BLxF9BPJI/WhH1nBHe"
    "odurAvA8UXQt5NNDSOiLoQ+TQisCnz2AhL0Y9oTonoa80A2Zpm6hJ3JHPI9CyY5R3bo6sz"
    "mtrNzZZE47lmdnWWPzFZGQooWayKmQJnJaoImcpjWRmJGofIXODGrpSavq0YygWSFhP0ks"
    "17Ymr22yRWn+y9fisCmfdxWW2hSpXGfrilhYISt9kkKBC8mZ2CiX5NBzH6zv557tWPZehl"
    "Mydr5T5Ja02JWqFl4q1vHOeukxj5gJHVoNFv3rnn2lLciWYAYx9baRsQ/AL2jB3GfMgddh"
    "DjkIyPUeIlOsAxyLpqnMIHXVgUe4yPBObuF+NafE3M6hab4XZ9lx9+PZaiWjX4rWrtur/u"
    "Xl6x4wymWVMK3c7hGl2l7s7WH7to23XNSUZ8QW5Zw1jZ8WWdIQvVIw1KKPAbscUHuwSwtV"
    "c3+/Qx4BsMaykEckkHWDHvcz88hKwgd6QBnrVh2D0gAKvtoZDng0yHA0+y9c+VhZa0Kx8B"
    "5M2q3F6QEyjVzj0bM8p8PiKvgZQLNh7Q6/EVvsyUfoTrDjPfCb2Q4Z0/HIs1Eb4QG4w8Gg"
    "Oo+lmMFnGsRh0BXSX4IxGeZ+ddmq6LjMMGzw21607pbtjrnpvphvaIg66go1PesWdD3rpg"
    "xRC7g0LZgxxYtaM65Itt+X8W3sHBvpwChtEfkTv722iOjeVJbvSVppa2yyrbG0trCOopDk"
    "4zsRHRqiKNxAjMwrNH9AmcaP6OlCRUEzoW1MDY03TV9QMnXO6MTVBtYfHFAhHriG9oTcHx"
    "zARjoA9y/IeJzxXjaGS6Xrheeye3GxnXXWoZfSkh1E+rcchDO1iE3cI7PrDR99j08x8gQP"
    "5IWzU81upOzeSNmdz4SMTa4oGCckepfBft3OmXAEDtmwjOz6ccXmvihdmzLCq9v9ogV4V8"
    "tMeV9RirZN6G7ZK89X/tI8iJFJ+Oty1oX78JqOuvOohDNejbpjPBH12cVmY8xfd96/Pe9f"
    "KHt5i08dUMdHaynE6UU3G+c3UgxWfukstSDqtM5XChbBZYI6wK8zi+U1zizW+RKD/s0APK"
    "ElTWWkwUq0syZcyfA2c0bazwb1RbJsxmgTTNsyUVoD2MgdpIm+wVtDkZj/tib6t2VA3EAv"
    "FCl6VBApepRR6ou8H9noKtibp7aCeGKDT9tkZ8he/+JqcN0D7M8Ej5RvA+VXZdQDwacJ7n"
    "9VrsfkCvpngs+H1+PR4PPdeEguinxJrlJCHDsTYVjSiBjh11kqD0ga9d+JUb+E6TGcHnBh"
    "qGSjXLNqc39hEDFwB6dAnlAXe4Wg43hzNrRKKyHYho7WxWs14s56RIohi9uNbRpb5rhrgh"
    "bT1EZ8yEurVRXC8yHkiludCLZO103kYDqW+Ux2L91wFp677gt7wUdp6dtKwCLqEINgTZxG"
    "4UitxYptpwvLNDRj3Wk1YoPd0LFEds9dxItF8U19f2F1pMb+MC1CqZSZR9AmF0A6xGhskX"
    "8E9oRSRrldwraEVSy6bGXYxRKrWkHPDKQ/IltNrqevm8jOrTndX8ACGjpwX6wfFzPooB64"
    "h3PLw9x5PSM/hbq4qcMaaho9Dsj/hgkc5Lrk1h3wbBk6LxyGvi8MG+lpU9nG7jTB99oM2g"
    "RfNgZrr0GTCB4QwoCqN+Ry+EiY5LC2G45FsLB/8kuezS0b0WhbvHoOaYLbZRMcmRzzhcX7"
    "cj+hjISqfGtcBmnrDHMbKSbFX5xysz6kka7Jyp5hf9kr6ZsPiWQiTsU8eRe6lU3RK+Lt2a"
    "L3bpTri8H1171yXAjIesD/MMHkyvGlctED/ocJ/jYcXNAD/O8EK7/dDEb0gP+hijFapF16"
    "frP0VKt0Lig4FSzRccoWWqJ3xPIsFGUsHQ75r1e7HA5xa6XlVGN6lFDmDzT5zfZVwdIhcH"
    "E6KWhWFzRl2ZDmRSL6szvNjtLxcf1wpB17HURj4+IrgUCjCFmTZds1WaTl/m0bOcdcQpm2"
    "6LjLKN8YneGpEqtc80x4TtOjrKlfRoGOA9g4yx4t2GAvgWah6ZSOSwMq+XWIAGXNlwfgmp"
    "l0vQWV2vSfWOClPjfwD07KGL3Ru01wUC7C8RtiBLfye2TwMrsHgPb2IKeR466uMHi9CRoP"
    "amAwtWxt7ZhQf+j0y5S7Z0co6hGammCY7h6dfDz5dHx2stqjV0eKtmaB1s+yzevGq4RK3T"
    "4f/fbq9o47VR+gg1SyrKq8bVE55SNngO1pgkeHbbN8B4CSV349jsQG2CpH2sUSqFs8RNRx"
    "0SJjdSxKMU7Rvk2m8d7hwVFJ30QddrAg1fhT50Q403iFGJm/VcH2Sd8I6+6OIE1Gnxo6rQ"
    "ypTk0rK+aouIdIBvmbze7TncGcVmmEz7QDSKWaBdkDvBHuu7KmOHCK3GWlWZ4kfbMZ3t2V"
    "Kc5lDtbf5umhnOySIt2e1NJtlcgSAfIZhYkBlbmRHGR7fDltFV+iODpEOufAZljAiyxHeS"
    "NsjynHm2XKmoakzNfAc8pW90jRShVqnXgu2yVIPtqwbBxjilTaFqpyQYeGuVQRtFkDOg1m"
    "KLNFnMgk3+JO0LaXIixXp86gOVVNY4pUHWZl7L7SU7BgnDeSV48P31BaPTosIa5G0KNrfW"
    "BDqM6D5ChvpjEc7orGkACvWGItw4ZXxNYtsmJXbEIRAP30WgIkhqabIaOKciJjIKlFv9ry"
    "lAZGL1Xq/M92fL4eB58YYovR8Ne+t6pMKDyl6QH67wSPhrRe4tce8D9McP98PPg2GP/eA8"
    "GnPbGdfeNh7xRg7M4yNu1cQSpF16KIvdp0NxkR2cCISBm016ZGajzgbISmnpNdNTB+QUcg"
    "JM3m15boPMTVSdaPh5XpZiMgHewzdRMQNbNDe/L8G+EgYflDDzyhhdvxE4wdg6zvtMSfbl"
    "uLRVZi9OZuI7OYG7yOUZq8kLIn8uOz5aps9IPrWxhO1j0RSVg+yc9XPpHpyo2xKMlAyY2W"
    "XJwjxyF7aRmEIyQthHgjsag8QlwtH1adJmzTYlKbajUlQpmVlfyR34gtQrJWI7ZmyvFZsG"
    "2kD1sTi6e89eTefPkUGduej357Y9tle5WG2pBk54m6O0+EGbZvY0i6dad7GeYjerhTZDRy"
    "3Gm15EWa4ec5dBigkWF5Q+mpZc+Zx+kAfOOXOvRamul3O/4CHLK1InBvGhiRX0FgvAf7NB"
    "OQ41mUvFjv3SaYXBaMfvThp1iLCp4COadZiveGo5pkKjvu/QEYmnpA4wDyTixpiqNOHymw"
    "T9nI77Sd3+EufBh6SSAlyw53jVk1OwUWqzjzxLkQp9vUNtZWfjQqybcZ0kNtauhqfcuY0J"
    "ZlIohz1pUoXQLZB0K4KWiDOb5dPfTzcHgZk7g/DxJz9fru6rMy2j9KxBakAZcN7jerZ0af"
    "LAXzGH3Pi6uMk7UC7SI9UvltXGxYWamRl8Prr8HlSWtLHHoT4kevpGU2StMK0ONT/LgrMM"
    "OPu7kTnJ5KhNPDx1JGw+D6tSyG1SKQ/jr1sEbxAw+eYboGdg7o/f6+t/35vhFDoo1YZ13L"
    "LmVDjFO1cc4LLevHBcv6cYb50JrPDVclGl0ZrONULcT6RATqk3yk0zGPU8NE6gKS0UvgHC"
    "NqIcwb8bBRpVBlmTUl9Jk4kVRpMiRsBhHKCi0pRhVlRpdITPlCqiO6jHZPz8qtvzGyFq4M"
    "ZyKBO2f5gTtnqcAdWjndyxDxxOuue1kC3yZDzS9G/S/jklIdJ+oB9sePLVf8yHJlgi+Um5"
    "Fy3h/TGuvh5wn+powGXwasFLv/KWk4FgpKERHLj/LF8qOUWP4vDxKdf6k6mmVnKEBfTAvm"
    "rD0pygTjppR0U6w7PNhUOl9RKsbw7vOlAihTB7cDXzBfeS3ZybgVZaT0LxN4ezSeR80pDV"
    "tkik0QyuYQFdNY0cJGq/6T2RFvRdaWLOpKK9buBLNsxOYiwyryX4z2hlX45VgrcD1OKbne"
    "FK4HGEXYnm5ZK4NpZDBNwxnSkmCaVVX1jIiaaMX1V3tVxqq8i4XY0FWDQBzpGTm3npFDM6"
    "PmrGy2jh4MF7gW+0K2cZ188/OlDkB/sUBY/9EiKyDYhwR74/GRP2squmYTN5pgntTlgLsb"
    "umYCiHWiwF0qY+XDTwACouQQyc/1i4BDMFKIHnfbv+RJYRRpXho8wI32srRpbA0ZUmZ7NX"
    "2R7ADZs7JJzvD8DLvXLUm7kG23Nx71r2+/KKMeCD5NMJGyRmNlpH4lR8Y9EPtKz35RR8qv"
    "/RFt77f6HBiWzvvjwfB6dUHGwQk+H15T3Wx1Ufw7PX91czdW6An2IaS4uaOsulVCmuCI31"
    "Hwd7+h4O8THCyMvdUSWcXQJfMKd3w9jaa9za0yi2Zw/RbtwCVNwE1yxgUyRmnFKkFYS5WL"
    "dyMtNCfdsGFmRJlt2JZsQ2mgzZ/ku2mqE8p7k4WTGrCpcJOFWrWxaia5lGDX8Bk+rMGNLG"
    "rJjMrMIGsdsp+5C7a8zJuklWtUTb6E2CyvwZvQ/qa3WeuCWOtbXSJdtpBeej8UgDqyXNSA"
    "8yg+2m6tMaJQp1dY2c15E/O5tm7O1J+JvrsqZRvK2k5LtHQ+52PdroZqB/xxWZDXo16z+f"
    "UFH6VFa24MJER95OtipJBBlm1CqJTfP/2G2oiC+swXtmxYhxiNLfKP8Ks6io7ZwreVG7mh"
    "qVrToJJ8HeiJv767AlrJMJNvFttrUiEm7HinKLxEM2HYVkF9tlzBDvT5PzGzWolraE+Iyb"
    "TRICdZraQxqmQH5EdcaDPL0Cp3LgipGx0B0P86UmjeCP0zwReDW/9A8GmCr5W78Yg60v0P"
    "VfzoNTctCNu2ZjgFxPq9ZvkEttPB422cM0H/jo+dM+H+HZWau751Q9e3hbd72PHznsQ66c"
    "7nKMt6UpySjTKDQXYy3yMVxCUYxVUYxiWLZ0onYk/G+zfGV8Kl4NI8iJFJ+OtykYQ6ybqZ"
    "FlEdarwadcd4ImrtjM3GmKXzvH973r9Q9vIWnzqglkktEZzfJqelj2xDm+1lmBv8M50igw"
    "MMr6nVxrCOKeG92BHWDAPMtxDkhlvmy+/5gZaNsgtUFeBPT0Xk99PTfPGdnkuEzC8ymjzn"
    "I+xf3kJ0j4S0o6MC5egoqzIYdjN10PzQ1gjJ9svi7Xhsa0ow2+Zm9uf/A8PLQZE="
)
